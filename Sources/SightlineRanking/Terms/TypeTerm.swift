import SightlineData
import SightlineLanguage

/// Does the body type the pixels show match the type the descriptions vote for? Similar
/// bodies (sedan and hatchback, SUV and minivan, pickup and truck) earn partial credit.
public struct TypeTerm: ScoreTerm {
    public var name: String { "type" }

    public init() {}

    static let similarity = NameSimilarity<BodyType>([
        [.sedan, .hatchback]: 0.5, [.sedan, .coupe]: 0.6, [.sedan, .wagon]: 0.5, [.hatchback, .wagon]: 0.5,
        [.suv, .minivan]: 0.4, [.suv, .wagon]: 0.3, [.suv, .pickup]: 0.3, [.suv, .hatchback]: 0.2,
        [.van, .minivan]: 0.5, [.pickup, .truck]: 0.4, [.van, .truck]: 0.4, [.bus, .truck]: 0.3,
    ])

    public var featureNames: [String] { BodyType.allCases.map { "type-\($0.rawValue)" } }
    public var featureVersion: String { Self.similarity.version }

    /// The share of descriptions naming each body type.
    public func queryVector(_ query: QueryProfile) -> [Double] { BodyType.allCases.map { query.types[$0] } }

    /// For each body type b, the pixels' similarity-weighted agreement with b.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        Self.similarity.features(seen: gallery.appearance[track.id]?.types)
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        NameSimilarity.reason(asked: query.types.winner, otherwise: "no type", seen: gallery.appearance[track.id]?.types)
    }
}
