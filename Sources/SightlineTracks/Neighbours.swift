import SightlineData

/// Another track seen by the same camera at the same time, placed relative to the target.
public struct Neighbour: Sendable, Equatable, Codable {
    public var id: String
    /// Frames in which both tracks have a box.
    public var sharedFrames: Int
    /// Mean offset of the neighbour's centre along the target's heading, in target box heights:
    /// positive means the neighbour is ahead (the target follows it), negative behind.
    public var along: Double
    /// Mean offset across the target's heading, in target box heights (absolute value).
    public var across: Double

    /// A neighbour mostly ahead of the target along its path.
    public var isAhead: Bool { along > 0.5 && along > across }
    /// A neighbour mostly behind the target along its path.
    public var isBehind: Bool { along < -0.5 && -along > across }
    /// A neighbour beside the target.
    public var isBeside: Bool { across >= abs(along) }
}

extension Neighbour {
    /// The neighbours of every track: other tracks of the same camera with shared frames,
    /// keyed by track id and sorted by how many frames they share.
    public static func neighbours(of tracks: [Track], trajectories: [String: Trajectory], minimumSharedFrames: Int = 5) -> [String: [Neighbour]] {
        let byCamera = Dictionary(grouping: tracks, by: \.cameraKey)
        var out: [String: [Neighbour]] = [:]
        for group in byCamera.values {
            let boxesByFrame = group.map { t in Dictionary(zip(t.frames.map(\.frame), t.boxes), uniquingKeysWith: { a, _ in a }) }
            for (i, target) in group.enumerated() {
                var found: [Neighbour] = []
                let hx = trajectories[target.id]?.headingX ?? 0
                let hy = trajectories[target.id]?.headingY ?? 0
                for (j, other) in group.enumerated() where j != i {
                    guard other.firstFrame <= target.lastFrame, target.firstFrame <= other.lastFrame else { continue }
                    var shared = 0
                    var along = 0.0
                    var across = 0.0
                    for (frame, box) in zip(target.frames.map(\.frame), target.boxes) {
                        guard let o = boxesByFrame[j][frame] else { continue }
                        let dx = (o.centerX - box.centerX) / max(box.h, 1)
                        let dy = (o.centerY - box.centerY) / max(box.h, 1)
                        along += dx * hx + dy * hy
                        across += abs(-dx * hy + dy * hx)
                        shared += 1
                    }
                    guard shared >= minimumSharedFrames else { continue }
                    found.append(Neighbour(id: other.id, sharedFrames: shared, along: along / Double(shared), across: across / Double(shared)))
                }
                out[target.id] = found.sorted { $0.sharedFrames == $1.sharedFrames ? $0.id < $1.id : $0.sharedFrames > $1.sharedFrames }
            }
        }
        return out
    }
}
