import SightlineData
import SightlineLanguage
import SightlineTracks

/// Does the vehicle stand still when the query says it stops or waits?
public struct StopTerm: ScoreTerm {
    public var name: String { "stop" }

    public init() {}

    public var featureNames: [String] { ["still-share"] }

    public func queryVector(_ query: QueryProfile) -> [Double] { [query.motions[.stop]] }

    /// The longest still run over the frames that make a stop, at most 1.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let t = gallery.analysis.trajectories[track.id] else { return [0] }
        return [min(1, Double(t.longestStillFrames) / Double(max(t.stopFrames, 1)))]
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        guard let t = gallery.analysis.trajectories[track.id] else { return "no trajectory" }
        let asked = query.motions[.stop] > 0 ? "query: stop" : "query names no stop"
        return "\(asked); still for at most \(t.longestStillFrames) frames"
    }
}
