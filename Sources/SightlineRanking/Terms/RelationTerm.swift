import SightlineData
import SightlineLanguage
import SightlineTracks

/// SSM's short-distance relation, from boxes: when the query names another vehicle
/// ("followed by a white sedan"), is there a gallery track of the same camera, at the
/// same time, on the named side? Colour and type of that vehicle need pixels.
public struct RelationTerm: ScoreTerm {
    public static let name = "relation"
    public var name: String { Self.name }

    public init() {}

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

    public func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double {
        guard !query.relations.isEmpty else { return 0 }
        let neighbours = gallery.analysis.neighbours[track.id] ?? []
        return query.relations.reduce(0) { sum, r in
            sum + (neighbours.contains { Self.fits(r.key.kind, $0) } ? r.value : 0)
        }
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let neighbours = gallery.analysis.neighbours[track.id] ?? []
        let kinds = query.relations.keys.map(\.kind.rawValue).sorted()
        let asked = kinds.isEmpty ? "query names no other vehicle" : "query: \(kinds.joined(separator: ", "))"
        return "\(asked); \(neighbours.count) neighbouring tracks in the gallery"
    }
}
