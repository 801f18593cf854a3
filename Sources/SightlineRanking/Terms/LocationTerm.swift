import SightlineData
import SightlineLanguage
import SightlineTracks

/// SSM's long-distance relation: the query's "intersection or not" against the camera's.
/// As in SSM, the query is at an intersection when any description says so (annotators
/// often leave the place out, so one mention is strong evidence), and like SSM's dot
/// product of one-hot location vectors, agreement scores 1 either way.
public struct LocationTerm: ScoreTerm {
    public var name: String { "location" }

    public init() {}

    public var featureNames: [String] { ["intersection", "not-intersection"] }

    /// (q, 1 - q) with q = 1 when any description says intersection.
    public func queryVector(_ query: QueryProfile) -> [Double] {
        let q = query.locations[.intersection] > 0 ? 1.0 : 0.0
        return [q, 1 - q]
    }

    /// (v, 1 - v) with v = 1 when the track's camera is at an intersection.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        let v = gallery.analysis.camera(of: track)?.isIntersection == true ? 1.0 : 0.0
        return [v, 1 - v]
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let q = query.locations[.intersection]
        let camera = gallery.analysis.camera(of: track)
        let where_ = camera?.isIntersection == true
            ? "camera \(track.cameraKey) is at an intersection (\(camera?.stoppingTracks ?? 0) tracks stop there)"
            : "camera \(track.cameraKey) shows no waiting vehicles"
        return q > 0 ? "\(Int(clamping: (q * 100).rounded()))% of descriptions say intersection; \(where_)" : "no description says intersection; \(where_)"
    }
}
