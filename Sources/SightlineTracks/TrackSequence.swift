import Foundation
import SightlineData

/// A track as a sequence of per-frame features for a learned track encoder: position, size and
/// motion normalised by its camera's `CameraFlow`, how the motion sits in the camera's usual flow,
/// and its neighbours. `resampled` turns it into a fixed number of steps, optionally over a part of
/// the track and mirrored left to right (the augmentations of training).
public struct TrackSequence: Sendable, Equatable {
    /// One name per feature, in order.
    public static let featureNames = [
        "x", "y", "log-width", "log-height", "speed", "heading-x", "heading-y", "still",
        "flow-x", "flow-y", "along-flow", "across-flow", "cell-still-share", "turned",
        "neighbours-ahead", "neighbours-beside-behind",
    ]
    public static var featureCount: Int { featureNames.count }
    /// Features whose sign flips when the image is mirrored left to right.
    public static let mirroredFeatures = [0, 5, 8, 11, 13]
    /// The feature that accumulates heading change; a sub-sequence starts it from 0.
    static let turnedFeature = 13
    /// The heading's unit-vector features and the still flag, which `pathFeatures` reads.
    static let headingXFeature = 5, headingYFeature = 6, stillFeature = 7

    /// [frames][features].
    public var rows: [[Double]]

    public init(rows: [[Double]]) { self.rows = rows }

    /// The sequence of `track` in the camera `flow` describes, with its `neighbours`.
    public init(track: Track, flow: CameraFlow, neighbours: [Neighbour]) {
        let motion = TrackMotion(boxes: track.boxes)
        let ahead = Foundation.tanh(Double(neighbours.filter(\.isAhead).count) / 2)
        let others = Foundation.tanh(Double(neighbours.filter { !$0.isAhead }.count) / 2)
        var turned = 0.0
        var lastAngle: Double?
        rows = track.boxes.enumerated().map { i, box in
            let cell = flow.cell(x: box.centerX, y: box.centerY)
            let (hx, hy) = (motion.headingX[i], motion.headingY[i])
            let (fx, fy) = (flow.flowX[cell], flow.flowY[cell])
            if !motion.still[i], hx != 0 || hy != 0 {
                let angle = Foundation.atan2(hy, hx)
                if let lastAngle {
                    var delta = angle - lastAngle
                    while delta > .pi { delta -= 2 * .pi }
                    while delta < -.pi { delta += 2 * .pi }
                    turned += delta
                }
                lastAngle = angle
            }
            return [
                (box.centerX - flow.meanX) / flow.spreadX, (box.centerY - flow.meanY) / flow.spreadY,
                Foundation.log(max(box.w, 1) / flow.medianWidth), Foundation.log(max(box.h, 1) / flow.medianHeight),
                min(motion.speed[i], 2), hx, hy, motion.still[i] ? 1 : 0,
                fx, fy, hx * fx + hy * fy, hx * fy - hy * fx, flow.stillShare[cell],
                turned / (Double.pi / 2), ahead, others,
            ]
        }
    }

    /// Every track's sequence, with camera flows and neighbours computed from `tracks` themselves.
    public static func sequences(of tracks: [Track], analysis: TrackAnalysis) -> [String: TrackSequence] {
        let flows = CameraFlow.flows(of: tracks)
        var out: [String: TrackSequence] = [:]
        for track in tracks {
            guard let flow = flows[track.cameraKey] else { continue }
            out[track.id] = TrackSequence(track: track, flow: flow, neighbours: analysis.neighbours[track.id] ?? [])
        }
        return out
    }

    /// Names of `pathFeatures`, in order.
    public static let pathFeatureNames = [
        "heading-change", "half-change", "turned", "heading-change²", "turned²", "moving-share", "log-frames",
    ]
    /// Path features whose sign flips when the image is mirrored left to right.
    public static let mirroredPathFeatures = [0, 1, 2]

    /// What the track's own headings say about its path, the same on every camera: the signed angle
    /// from its mean heading over the first quarter of its moving frames to that over the last
    /// quarter, the same from the first half to the second, the heading change accumulated frame to
    /// frame (all in right angles, negative to the left in image coordinates; the last clamped to
    /// ±2), the squares of the first and the third, the share of frames it moves and the log of its
    /// frames (over log 1000). Unlike positions and flows, normalised by the camera's other tracks,
    /// none of them depends on the camera.
    public var pathFeatures: [Double] {
        let (hx, hy) = (Self.headingXFeature, Self.headingYFeature)
        let moving = rows.filter { $0[Self.stillFeature] == 0 && ($0[hx] != 0 || $0[hy] != 0) }
        func change(_ share: Int) -> Double {
            guard moving.count >= 2 else { return 0 }
            let part = max(moving.count / share, 1)
            func heading(_ rows: ArraySlice<[Double]>) -> (x: Double, y: Double) {
                (rows.reduce(0) { $0 + $1[hx] }, rows.reduce(0) { $0 + $1[hy] })
            }
            let (a, b) = (heading(moving.prefix(part)), heading(moving.suffix(part)))
            let cross = a.x * b.y - a.y * b.x, dot = a.x * b.x + a.y * b.y
            return cross != 0 || dot != 0 ? Foundation.atan2(cross, dot) / (Double.pi / 2) : 0
        }
        let quarters = change(4), halves = change(2)
        let turned = rows.last.map { min(max($0[Self.turnedFeature], -2), 2) } ?? 0
        return [quarters, halves, turned, quarters * quarters, turned * turned,
                rows.isEmpty ? 0 : Double(moving.count) / Double(rows.count),
                Foundation.log(Double(max(rows.count, 1))) / Foundation.log(1000)]
    }

    /// `steps` rows linearly interpolated over the part [start, end) of the track (fractions of its
    /// length), mirrored left to right when `mirrored`, flattened row-major as [steps × features].
    public func resampled(steps: Int, start: Double = 0, end: Double = 1, mirrored: Bool = false) -> [Float] {
        let width = Self.featureCount
        guard !rows.isEmpty else { return [Float](repeating: 0, count: steps * width) }
        let last = Double(rows.count - 1)
        var out = [Float](repeating: 0, count: steps * width)
        var turnedAtStart = 0.0
        for s in 0..<steps {
            let fraction = steps > 1 ? Double(s) / Double(steps - 1) : 0
            let position = (start + (end - start) * fraction) * last
            let lo = Int(clamping: Int(position.rounded(.down))), hi = min(lo + 1, rows.count - 1)
            let t = position - Double(lo)
            for f in 0..<width {
                var value = rows[lo][f] * (1 - t) + rows[hi][f] * t
                if f == Self.turnedFeature {
                    if s == 0 { turnedAtStart = value }
                    value -= turnedAtStart
                }
                out[s * width + f] = Float(value)
            }
        }
        if mirrored {
            for s in 0..<steps { for f in Self.mirroredFeatures { out[s * width + f] = -out[s * width + f] } }
        }
        return out
    }
}
