import SightlineData
import SightlineLanguage
import SightlineTracks

/// SSM's long-distance relation: the query's "intersection or not" against the camera's.
/// Like SSM's dot product of one-hot location vectors, agreement scores 1 either way;
/// the query side is the voted share of descriptions that name an intersection.
public struct LocationTerm: ScoreTerm {
    public static let name = "location"
    public var name: String { Self.name }

    public init() {}

    public func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double {
        let q = query.locations[.intersection]
        let v = gallery.analysis.camera(of: track)?.isIntersection == true ? 1.0 : 0.0
        return q * v + (1 - q) * (1 - v)
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let q = query.locations[.intersection]
        let camera = gallery.analysis.camera(of: track)
        let where_ = camera?.isIntersection == true
            ? "camera \(track.cameraKey) is at an intersection (\(camera?.stoppingTracks ?? 0) tracks stop there)"
            : "camera \(track.cameraKey) shows no waiting vehicles"
        return "\(Int((q * 100).rounded()))% of descriptions say intersection; \(where_)"
    }
}
