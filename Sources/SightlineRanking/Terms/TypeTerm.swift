import SightlineAppearance
import SightlineData
import SightlineLanguage

/// Does the body type the pixels show match the type the descriptions vote for? Similar
/// bodies (sedan and hatchback, SUV and minivan, pickup and truck) earn partial credit.
public struct TypeTerm: ScoreTerm {
    public static let name = "type"
    public var name: String { Self.name }

    public init() {}

    static let near: [Set<BodyType>: Double] = [
        [.sedan, .hatchback]: 0.5, [.sedan, .coupe]: 0.6, [.sedan, .wagon]: 0.5, [.hatchback, .wagon]: 0.5,
        [.suv, .minivan]: 0.4, [.suv, .wagon]: 0.3, [.suv, .pickup]: 0.3, [.suv, .hatchback]: 0.2,
        [.van, .minivan]: 0.5, [.pickup, .truck]: 0.4, [.van, .truck]: 0.4, [.bus, .truck]: 0.3,
    ]

    /// Similarity of two body types in [0, 1].
    public static func similarity(_ a: BodyType, _ b: BodyType) -> Double {
        a == b ? 1 : near[[a, b]] ?? 0
    }

    public func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double {
        guard !query.types.isEmpty, let seen = gallery.appearance[track.id]?.types, !seen.isEmpty else { return 0 }
        var total = 0.0
        for (asked, share) in query.types.shares {
            for (shown, p) in seen { total += share * p * Self.similarity(asked, shown) }
        }
        return total
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let asked = query.types.winner?.rawValue ?? "no type"
        guard let seen = gallery.appearance[track.id]?.types, !seen.isEmpty else { return "query: \(asked); no pixels" }
        let top = seen.sorted { $0.value > $1.value }.prefix(2).map { "\($0.key.rawValue) \(Int(($0.value * 100).rounded()))%" }
        return "query: \(asked); pixels: \(top.joined(separator: ", "))"
    }
}
