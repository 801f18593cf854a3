import SightlineData

/// What the tracks of one camera say about the place it watches. Following SSM, a camera
/// where some vehicle stands still for a while (waiting at a light) is at an intersection.
public struct CameraContext: Sendable, Equatable, Codable {
    public var camera: String
    public var tracks: Int
    /// Tracks whose longest still run reaches the stop threshold.
    public var stoppingTracks: Int
    /// Tracks classified as turning.
    public var turningTracks: Int

    /// SSM's rule: at least one stopping track marks the camera as an intersection.
    public var isIntersection: Bool { stoppingTracks > 0 }

    /// Builds the context of every camera from its tracks' trajectories, keyed by `Track.cameraKey`.
    public static func contexts(of tracks: [Track], trajectories: [String: Trajectory]) -> [String: CameraContext] {
        var out: [String: CameraContext] = [:]
        for track in tracks {
            let key = track.cameraKey
            var c = out[key] ?? CameraContext(camera: key, tracks: 0, stoppingTracks: 0, turningTracks: 0)
            c.tracks += 1
            if let t = trajectories[track.id] {
                if t.stops { c.stoppingTracks += 1 }
                if t.turn != .straight { c.turningTracks += 1 }
            }
            out[key] = c
        }
        return out
    }
}
