/// What the pixels say about one track: colour and body-type distributions over the shared
/// vocabularies, and an appearance embedding when an image encoder ran.
public struct TrackAppearance: Sendable, Equatable, Codable {
    public var colours: [VehicleColor: Double]
    public var types: [BodyType: Double]
    public var embedding: [Float]

    public init(colours: [VehicleColor: Double] = [:], types: [BodyType: Double] = [:], embedding: [Float] = []) {
        self.colours = colours
        self.types = types
        self.embedding = embedding
    }

    /// Averages per-crop distributions, each weighted by `weights` (equal when nil); values are
    /// renormalised to sum to 1.
    public static func average<K: Hashable>(_ distributions: [[K: Double]], weights: [Double]? = nil) -> [K: Double] {
        var sum: [K: Double] = [:]
        for (i, d) in distributions.enumerated() {
            let weight = weights.map { i < $0.count ? $0[i] : 0 } ?? 1
            for (k, v) in d { sum[k, default: 0] += weight * v }
        }
        let total = sum.values.reduce(0, +)
        return total > 0 ? sum.mapValues { $0 / total } : [:]
    }
}

extension Dictionary where Value == Double, Key: Comparable {
    /// The most likely value of a distribution (or the largest share of a vote); a tie goes to
    /// the smallest key (for the vocabularies, the first name in alphabetical order), so every
    /// process and backend picks the same one. Nil when empty.
    public var mostLikely: Key? {
        self.max { a, b in a.value == b.value ? a.key > b.key : a.value < b.value }?.key
    }
}
