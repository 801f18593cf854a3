import SightlineData
import SightlineLanguage
import SightlineTracks

/// SSM's short-distance relation, from boxes: when the query names another vehicle
/// ("followed by a white sedan"), is there a gallery track of the same camera, at the
/// same time, on the named side? Colour and type of that vehicle need pixels.
public struct RelationTerm: ScoreTerm {
    public var name: String { "relation" }

    public init() {}

    public var featureNames: [String] { RelationKind.allCases.map { "neighbour-\($0.rawValue)" } }

    /// Whether a neighbour sits where the relation puts the other vehicle.
    public static func fits(_ kind: RelationKind, _ n: Neighbour) -> Bool {
        switch kind {
        case .followedBy, .leading: n.isBehind
        case .following, .behind: n.isAhead
        case .inFrontOf: n.isBehind
        case .nextTo, .alongside: n.isBeside
        case .passing: true
        }
    }

    /// The share of each relation kind, summed over the mentions of that kind.
    public func queryVector(_ query: QueryProfile) -> [Double] {
        RelationKind.allCases.map { kind in
            query.relations.filter { $0.key.kind == kind }.values.sorted().reduce(0, +)
        }
    }

    /// 1 for each relation kind some neighbour fits.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        let neighbours = gallery.analysis.neighbours[track.id] ?? []
        return RelationKind.allCases.map { kind in neighbours.contains { Self.fits(kind, $0) } ? 1 : 0 }
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let neighbours = gallery.analysis.neighbours[track.id] ?? []
        let kinds = query.relations.keys.map(\.kind.rawValue).sorted()
        let asked = kinds.isEmpty ? "query names no other vehicle" : "query: \(kinds.joined(separator: ", "))"
        return "\(asked); \(neighbours.count) neighbouring tracks in the gallery"
    }
}
