import SightlineData
import SightlineLanguage
import SightlineTracks

/// Does the vehicle stand still when the query says it stops or waits?
public struct StopTerm: ScoreTerm {
    public static let name = "stop"
    public var name: String { Self.name }

    public init() {}

    public func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double {
        let asked = query.motions[.stop]
        guard asked > 0, let t = gallery.analysis.trajectories[track.id] else { return 0 }
        return asked * min(1, Double(t.longestStillFrames) / Double(max(t.stopFrames, 1)))
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        guard let t = gallery.analysis.trajectories[track.id] else { return "no trajectory" }
        let asked = query.motions[.stop] > 0 ? "query: stop" : "query names no stop"
        return "\(asked); still for at most \(t.longestStillFrames) frames"
    }
}
