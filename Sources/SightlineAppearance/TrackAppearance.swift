import SightlineData
import SightlineLanguage
import SightlinePixels

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

extension TrackImages {
    /// Appearance of a track from its sampled crops (un-enlarged boxes, so the body fills the
    /// crop): colour with the camera background masking the road when given, larger (sharper)
    /// crops counting more, and, with an encoder, body type and the mean embedding.
    public func appearance(of track: Track, background: RGBImage?, namer: ColourNamer = ColourNamer(),
                           encoder: VehicleEncoder? = nil) throws -> TrackAppearance {
        let crops = try self.crops(of: track, options: CropOptions())
        let colours = TrackAppearance.average(crops.map { c in
            namer.distribution(of: c.image, background: background?.cropped(c.rect))
        }, weights: crops.map { Double($0.image.width * $0.image.height).squareRoot() })
        guard let encoder, !crops.isEmpty else { return TrackAppearance(colours: colours) }
        let encoded = encoder.encode(crops.map(\.image))
        return TrackAppearance(colours: colours, types: TrackAppearance.average(encoded.map(\.types)),
                               embedding: VehicleEncoder.meanEmbedding(encoded.map(\.features)))
    }
}
