import Foundation
import SightlineData
import SightlinePixels
import SightlineTracks

/// Which of a track's boxes a `GET /tracks/{id}` response carries: at most `limit` spread evenly
/// over the whole track (the default, enough to draw it), or the `limit` boxes from `offset` on.
struct BoxSelection: Equatable {
    enum Mode: Equatable { case sampled, page(offset: Int) }
    var mode: Mode
    var limit: Int

    /// From the query `?offset=&limit=`: either one asks for a page, `limit` at most `maxLimit`.
    init(offset: String?, limit: String?, maxLimit: Int) throws(APIError) {
        func number(_ text: String?, _ name: String, _ range: ClosedRange<Int>) throws(APIError) -> Int? {
            guard let text else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw .invalidField(name, reason: "must be an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }
        let offset = try number(offset, "offset", 0...Int(Int32.max))
        let limit = try number(limit, "limit", 1...maxLimit)
        self.mode = offset == nil && limit == nil ? .sampled : .page(offset: offset ?? 0)
        self.limit = limit ?? maxLimit
    }

    /// Indices into the track's boxes.
    func indices(count: Int) -> [Int] {
        switch mode {
        case .sampled: FrameSampling.evenlySpaced(count: count, limit: limit)
        case .page(let offset): offset < count ? Array(offset..<min(count, offset + limit)) : []
        }
    }
}

/// The body of `GET /tracks/{id}`: where and when the track was seen, its boxes (sampled or one
/// page of them), its descriptions when known and what its whole trajectory says.
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
        /// The crop the colour is named from, all but the painted surface greyed.
        var colourRegion: String?
    }

    var id: String
    /// "S01/c003"
    var camera: String
    var frameCount: Int
    var firstFrame: Int
    var lastFrame: Int
    /// `[x, y, w, h]` in frame pixels, of the frames in `boxFrames`.
    var boxes: [[Double]]
    /// The frame number of each box.
    var boxFrames: [Int]
    /// True when `boxes` is an even sample of a longer track; `?offset=&limit=` pages through all of them.
    var boxesSampled: Bool
    var descriptions: [String]
    var otherViews: [String]
    var trajectory: Trajectory
    var images: Images

    init(track: Track, hasFrames: Bool, selection: BoxSelection) {
        id = track.id
        camera = track.cameraKey
        frameCount = track.frames.count
        firstFrame = track.firstFrame
        lastFrame = track.lastFrame
        let shown = selection.indices(count: min(track.boxes.count, track.frames.count))
        boxes = shown.map { let b = track.boxes[$0]; return [b.x, b.y, b.w, b.h] }
        boxFrames = shown.map { track.frames[$0].frame }
        boxesSampled = selection.mode == .sampled && shown.count < track.boxes.count
        descriptions = track.nl
        otherViews = track.otherViews
        let t = SightlineTracks.Trajectory(boxes: track.boxes)
        trajectory = Trajectory(turn: t.turn.rawValue, headingChange: t.headingChange.finiteOrZero, stops: t.stops,
                                longestStillFrames: t.longestStillFrames, meanSpeed: t.meanSpeed.finiteOrZero,
                                tortuosity: t.tortuosity.finiteOrZero, headingX: t.headingX.finiteOrZero, headingY: t.headingY.finiteOrZero)
        let base = "/tracks/\(track.id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? track.id)"
        images = Images(thumbnail: hasFrames ? base + "/thumbnail" : nil, motionMap: hasFrames ? base + "/motion-map" : nil,
                        colourRegion: hasFrames ? base + "/colour-region" : nil)
    }
}

extension Double {
    /// JSON has no NaN or infinity; analysis of a degenerate track can produce them.
    var finiteOrZero: Double { isFinite ? self : 0 }
}
