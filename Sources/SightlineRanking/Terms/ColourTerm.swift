import SightlineData
import SightlineLanguage

/// Does the paint the pixels show match the colour the descriptions vote for? Near names
/// (grey and silver, black and dark blue) earn partial credit, since people and cameras
/// disagree on them.
public struct ColourTerm: ScoreTerm {
    public var name: String { "colour" }

    public init() {}

    static let similarity = NameSimilarity<VehicleColor>([
        [.gray, .silver]: 0.6, [.white, .silver]: 0.4, [.black, .gray]: 0.3, [.black, .blue]: 0.3,
        [.gray, .blue]: 0.2, [.red, .orange]: 0.3, [.red, .brown]: 0.3, [.red, .purple]: 0.3,
        [.brown, .beige]: 0.4, [.gold, .beige]: 0.4, [.gold, .yellow]: 0.4, [.brown, .gold]: 0.3,
        [.orange, .yellow]: 0.3, [.white, .beige]: 0.2,
    ])

    public var featureNames: [String] { VehicleColor.allCases.map { "colour-\($0.rawValue)" } }
    public var featureVersion: String { Self.similarity.version }

    /// The share of descriptions naming each colour.
    public func queryVector(_ query: QueryProfile) -> [Double] { VehicleColor.allCases.map { query.colors[$0] } }

    /// For each colour c, the pixels' similarity-weighted agreement with c.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        Self.similarity.features(seen: gallery.appearance[track.id]?.colours)
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        NameSimilarity.reason(asked: query.colors.winner, otherwise: "no colour", seen: gallery.appearance[track.id]?.colours)
    }
}
