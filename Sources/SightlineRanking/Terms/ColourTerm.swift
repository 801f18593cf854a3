import SightlineAppearance
import SightlineData
import SightlineLanguage

/// Does the paint the pixels show match the colour the descriptions vote for? Near names
/// (grey and silver, black and dark blue) earn partial credit, since people and cameras
/// disagree on them.
public struct ColourTerm: ScoreTerm {
    public static let name = "colour"
    public var name: String { Self.name }

    public init() {}

    static let near: [Set<VehicleColor>: Double] = [
        [.gray, .silver]: 0.6, [.white, .silver]: 0.4, [.black, .gray]: 0.3, [.black, .blue]: 0.3,
        [.gray, .blue]: 0.2, [.red, .orange]: 0.3, [.red, .brown]: 0.3, [.red, .purple]: 0.3,
        [.brown, .beige]: 0.4, [.gold, .beige]: 0.4, [.gold, .yellow]: 0.4, [.brown, .gold]: 0.3,
        [.orange, .yellow]: 0.3, [.white, .beige]: 0.2,
    ]

    /// Similarity of two colour names in [0, 1].
    public static func similarity(_ a: VehicleColor, _ b: VehicleColor) -> Double {
        a == b ? 1 : near[[a, b]] ?? 0
    }

    public func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double {
        guard !query.colors.isEmpty, let seen = gallery.appearance[track.id]?.colours, !seen.isEmpty else { return 0 }
        var total = 0.0
        for (asked, share) in query.colors.shares {
            for (shown, p) in seen { total += share * p * Self.similarity(asked, shown) }
        }
        return total
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let asked = query.colors.winner?.rawValue ?? "no colour"
        guard let seen = gallery.appearance[track.id]?.colours, !seen.isEmpty else { return "query: \(asked); no pixels" }
        let top = seen.sorted { $0.value > $1.value }.prefix(2).map { "\($0.key.rawValue) \(Int(($0.value * 100).rounded()))%" }
        return "query: \(asked); pixels: \(top.joined(separator: ", "))"
    }
}
