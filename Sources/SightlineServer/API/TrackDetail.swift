import Foundation
import SightlineData
import SightlineTracks

/// The body of `GET /tracks/{id}`: where and when the track was seen, its boxes, its
/// descriptions when known and what its trajectory says.
struct TrackDetail: Codable, Equatable {
    struct Trajectory: Codable, Equatable {
        /// "straight", "left-turn" or "right-turn".
        var turn: String
        var headingChange: Double
        var stops: Bool
        var longestStillFrames: Int
        var meanSpeed: Double
        var tortuosity: Double
        var headingX: Double
        var headingY: Double
    }

    struct Images: Codable, Equatable {
        /// Paths of the rendered pictures; nil when the backend has no frames for this track.
        var thumbnail: String?
        var motionMap: String?
    }

    var id: String
    /// "S01/c003"
    var camera: String
    var frameCount: Int
    var firstFrame: Int
    var lastFrame: Int
    /// `[x, y, w, h]` per frame, in frame pixels.
    var boxes: [[Double]]
    var descriptions: [String]
    var otherViews: [String]
    var trajectory: Trajectory
    var images: Images

    init(track: Track, hasFrames: Bool) {
        id = track.id
        camera = track.cameraKey
        frameCount = track.frames.count
        firstFrame = track.firstFrame
        lastFrame = track.lastFrame
        boxes = track.boxes.map { [$0.x, $0.y, $0.w, $0.h] }
        descriptions = track.nl
        otherViews = track.otherViews
        let t = SightlineTracks.Trajectory(boxes: track.boxes)
        trajectory = Trajectory(turn: t.turn.rawValue, headingChange: t.headingChange.finiteOrZero, stops: t.stops,
                                longestStillFrames: t.longestStillFrames, meanSpeed: t.meanSpeed.finiteOrZero,
                                tortuosity: t.tortuosity.finiteOrZero, headingX: t.headingX.finiteOrZero, headingY: t.headingY.finiteOrZero)
        let base = "/tracks/\(track.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? track.id)"
        images = Images(thumbnail: hasFrames ? base + "/thumbnail" : nil, motionMap: hasFrames ? base + "/motion-map" : nil)
    }
}

extension Double {
    /// JSON has no NaN or infinity; analysis of a degenerate track can produce them.
    var finiteOrZero: Double { isFinite ? self : 0 }
}
