import SightlineData

/// ByteTrack (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every Detection
/// Box", ECCV 2022; `yolox/tracker/byte_tracker.py`): tracking by detection with a Kalman filter
/// per track and IoU association solved by the Hungarian algorithm, in which the low-score boxes
/// that other trackers throw away get a second pass against the tracks the high-score boxes left.
///
/// Feed `update(frame:detections:)` every frame in order; `tracks()` then gives each kept track
/// with one box per frame from its first to its last. Every frame of a track is a detection it
/// was matched to, except the frames it was lost for before it was matched again, which are
/// bridged with boxes interpolated between the two around the gap (as ByteTrack's
/// `tools/interpolation.py` does).
public struct ByteTracker: Sendable {
    /// ByteTrack's parameters, with the defaults of its MOT17 runs.
    public struct Configuration: Sendable, Hashable {
        /// `track_thresh`: boxes scoring above it are high-score boxes, matched first; below it, low-score ones.
        public var trackThreshold: Float = 0.5
        /// Boxes scoring at or below it are ignored (ByteTrack's 0.1).
        public var lowThreshold: Float = 0.1
        /// `det_thresh` (`track_thresh` + 0.1): an unmatched high-score box starts a track only from this score.
        public var birthThreshold: Float = 0.6
        /// `match_thresh`: the first pass matches a track and a high-score box only below this cost (1 - IoU x score).
        public var matchThreshold = 0.8
        /// The second pass matches a track and a low-score box only below this cost (1 - IoU).
        public var secondMatchThreshold = 0.5
        /// A newborn track is confirmed by a high-score box of the next frame only below this cost (1 - IoU x score).
        public var unconfirmedMatchThreshold = 0.7
        /// Whether first-pass and unconfirmed costs weigh the IoU by the box's score (ByteTrack's default, off for MOT20).
        public var fuseScore = true
        /// `track_buffer`: frames a lost track is kept, to be matched again and bridged, before it dies.
        public var trackBuffer = 30
        /// A track is written only if it was matched to at least this many boxes.
        public var minimumLength = 3
        /// Of a tracked and a lost track overlapping above this IoU (ByteTrack's distance 0.15), the younger is dropped.
        public var duplicateIoU = 0.85
        /// Of boxes overlapping above this IoU, whatever their classes, only the highest-scoring is
        /// tracked: a detector with class-aware NMS often reports one vehicle as both car and truck,
        /// which ByteTrack (written for one class) would follow as two tracks. Nil keeps every box.
        public var classAgnosticNMS: Double? = 0.7

        public init() {}
    }

    /// One track's result: a box per frame from `firstFrame` on, and the score of the box
    /// matched in that frame, nil where the box is interpolated across a gap.
    public struct FrameTrack: Sendable, Hashable {
        /// From 1, in order of birth among the tracks kept.
        public var number: Int
        public var firstFrame: Int
        public var boxes: [Box]
        public var scores: [Float?]

        public var frames: ClosedRange<Int> { firstFrame...(firstFrame + boxes.count - 1) }
    }

    enum Phase { case tracked, lost }

    struct Observation: Hashable {
        var frame: Int
        var box: Box
        var score: Float
    }

    /// ByteTrack's STrack: the filter's state, whether the track has been confirmed, and what it was matched to.
    struct Tracklet {
        var birth: Int
        var state: KalmanFilter.State
        var phase = Phase.tracked
        var isActivated: Bool
        var startFrame: Int
        var observations: [Observation]

        var endFrame: Int { observations.last?.frame ?? startFrame }
        var predictedBox: Box { state.box }
    }

    public let configuration: Configuration
    let filter = KalmanFilter()
    var alive: [Tracklet] = []
    var ended: [Tracklet] = []
    var births = 0
    var lastFrame: Int?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Advances to `frame` with the boxes detected in it. Frames must increase; a frame that is
    /// skipped counts as one without detections (tracks are predicted through it and age).
    public mutating func update(frame: Int, detections: [Detection]) {
        precondition(lastFrame.map { frame > $0 } ?? true, "frames must increase")
        let c = configuration
        let isFirstFrame = lastFrame == nil
        let steps = lastFrame.map { frame - $0 } ?? 1
        lastFrame = frame

        let kept = c.classAgnosticNMS.map { Self.suppress(detections, above: $0) } ?? detections
        let high = kept.filter { $0.score > c.trackThreshold }
        let low = kept.filter { $0.score > c.lowThreshold && $0.score < c.trackThreshold }
        let pool = alive.indices.filter { alive[$0].isActivated }
        let unconfirmed = alive.indices.filter { !alive[$0].isActivated }
        for i in pool {
            for _ in 0..<steps {
                if alive[i].phase != .tracked { alive[i].state.mean[7] = 0 }
                alive[i].state = filter.predict(alive[i].state)
            }
        }

        // First pass: confirmed and lost tracks against the high-score boxes.
        let first = Hungarian.assign(cost(pool, high, fused: c.fuseScore), gate: c.matchThreshold)
        for pair in first.matches { match(pool[pair.row], high[pair.column], frame: frame) }
        let highLeft = first.unmatchedColumns.map { high[$0] }

        // Second pass: tracks still unmatched, and tracked until now, against the low-score boxes.
        let stillTracked = first.unmatchedRows.map { pool[$0] }.filter { alive[$0].phase == .tracked }
        let second = Hungarian.assign(cost(stillTracked, low, fused: false), gate: c.secondMatchThreshold)
        for pair in second.matches { match(stillTracked[pair.row], low[pair.column], frame: frame) }
        for row in second.unmatchedRows { alive[stillTracked[row]].phase = .lost }

        // Newborn tracks are confirmed by a high-score box of their second frame, or dropped.
        let third = Hungarian.assign(cost(unconfirmed, highLeft, fused: c.fuseScore), gate: c.unconfirmedMatchThreshold)
        for pair in third.matches { match(unconfirmed[pair.row], highLeft[pair.column], frame: frame) }
        var gone = Set(third.unmatchedRows.map { unconfirmed[$0] })

        for column in third.unmatchedColumns where highLeft[column].score >= c.birthThreshold {
            let d = highLeft[column]
            births += 1
            alive.append(Tracklet(birth: births, state: filter.initiate(d.box), isActivated: isFirstFrame, startFrame: frame,
                                  observations: [Observation(frame: frame, box: d.box, score: d.score)]))
        }

        for i in alive.indices where alive[i].phase == .lost && frame - alive[i].endFrame > c.trackBuffer { gone.insert(i) }
        for i in alive.indices where alive[i].phase == .tracked && !gone.contains(i) {
            for j in alive.indices where alive[j].phase == .lost && !gone.contains(j) && !gone.contains(i) {
                guard alive[i].predictedBox.iou(alive[j].predictedBox) > c.duplicateIoU else { continue }
                let ageTracked = alive[i].endFrame - alive[i].startFrame, ageLost = alive[j].endFrame - alive[j].startFrame
                if ageTracked > ageLost {
                    gone.insert(j)
                } else {
                    if alive[i].endFrame == frame, alive[i].observations.count > 1 { alive[i].observations.removeLast() }
                    gone.insert(i)
                }
            }
        }
        for i in gone.sorted() where alive[i].isActivated { ended.append(alive[i]) }
        alive = alive.indices.filter { !gone.contains($0) }.map { alive[$0] }
    }

    /// Greedy NMS over every class: the boxes, best score first, that overlap no better one above `iou`.
    static func suppress(_ detections: [Detection], above iou: Double) -> [Detection] {
        var kept: [Detection] = []
        for d in detections.enumerated().sorted(by: { ($0.element.score, $1.offset) > ($1.element.score, $0.offset) }).map(\.element)
        where !kept.contains(where: { $0.box.iou(d.box) > iou }) {
            kept.append(d)
        }
        return kept
    }

    /// The cost of matching each of `tracks` to each of `detections`: 1 - IoU of the predicted
    /// box and the detection, times the detection's score where `fused`.
    func cost(_ tracks: [Int], _ detections: [Detection], fused: Bool) -> Hungarian.CostMatrix {
        let predicted = tracks.map { alive[$0].predictedBox }
        return Hungarian.CostMatrix(rows: tracks.count, columns: detections.count) { i, j in
            1 - predicted[i].iou(detections[j].box) * (fused ? Double(detections[j].score) : 1)
        }
    }

    /// ByteTrack's `update` and `re_activate`: the filter corrected by the box, the track tracked and confirmed.
    mutating func match(_ i: Int, _ d: Detection, frame: Int) {
        alive[i].state = filter.update(alive[i].state, with: d.box)
        alive[i].phase = .tracked
        alive[i].isActivated = true
        alive[i].observations.append(Observation(frame: frame, box: d.box, score: d.score))
    }

    /// Every confirmed track, ended or alive, matched to at least `minimumLength` boxes, in order
    /// of birth: numbered from 1, gaps bridged by linear interpolation. A track's boxes are the
    /// detections it was matched to (its first is the box it was born from), not the filter's estimates.
    public func tracks() -> [FrameTrack] {
        let kept = (ended + alive.filter(\.isActivated))
            .filter { $0.observations.count >= configuration.minimumLength }
            .sorted { $0.birth < $1.birth }
        return kept.enumerated().map { n, t in
            var boxes: [Box] = [], scores: [Float?] = []
            for (k, o) in t.observations.enumerated() {
                if k > 0 {
                    let previous = t.observations[k - 1]
                    let span = Double(o.frame - previous.frame)
                    for f in (previous.frame + 1)..<o.frame {
                        let s = Double(f - previous.frame) / span
                        boxes.append(Box(x: previous.box.x + s * (o.box.x - previous.box.x), y: previous.box.y + s * (o.box.y - previous.box.y),
                                         w: previous.box.w + s * (o.box.w - previous.box.w), h: previous.box.h + s * (o.box.h - previous.box.h)))
                        scores.append(nil)
                    }
                }
                boxes.append(o.box)
                scores.append(o.score)
            }
            return FrameTrack(number: n + 1, firstFrame: t.startFrame, boxes: boxes, scores: scores)
        }
    }
}

extension ByteTracker {
    /// The tracks of one camera's detections, keyed by frame number: every frame from the first
    /// to the last is fed in order (a frame without an entry has no detection).
    public static func tracks(of byFrame: [Int: [Detection]], configuration: Configuration) -> [FrameTrack] {
        guard let first = byFrame.keys.min(), let last = byFrame.keys.max() else { return [] }
        var tracker = ByteTracker(configuration: configuration)
        for frame in first...last { tracker.update(frame: frame, detections: byFrame[frame] ?? []) }
        return tracker.tracks()
    }
}
