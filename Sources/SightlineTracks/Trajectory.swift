import Foundation
import SightlineData

/// Motion features of one track, derived from its boxes alone.
public struct Trajectory: Sendable, Equatable, Codable {
    /// `straight`, `leftTurn` or `rightTurn`, from the heading change between the start and end of the path.
    public var turn: Motion
    /// Signed heading change in degrees; negative is a left turn in image coordinates (y down).
    public var headingChange: Double
    /// Longest run of frames in which the box centre stayed put (within `TrajectoryOptions.stillTolerance`).
    public var longestStillFrames: Int
    /// Whether that run reaches `TrajectoryOptions.stopFrames`.
    public var stops: Bool { longestStillFrames >= stopFrames }
    /// Per-frame speed of the box centre in box heights per frame (scale-free), smoothed.
    public var speedProfile: [Double]
    /// Mean of `speedProfile`.
    public var meanSpeed: Double
    /// Path length over straight-line distance between the ends (1 for a straight path).
    public var tortuosity: Double
    /// Unit heading over the whole track in image coordinates; (0, 0) when the vehicle never moves.
    public var headingX: Double
    public var headingY: Double
    /// Still frames that make a stop, as configured when this was computed.
    public var stopFrames: Int
}

/// Thresholds of the trajectory classifier, in one place.
public struct TrajectoryOptions: Sendable, Equatable {
    /// Heading change, in degrees, beyond which a path counts as a turn.
    public var turnDegrees = Motion.turnDegrees
    /// Share of the path length (from each end) used to measure the start and end headings.
    public var headingWindow = 0.25
    /// A centre that moves less than this many pixels, or this share of the box height, stands still.
    public var stillPixels = 2.0
    public var stillShareOfHeight = 0.02
    /// Still frames that make a stop (SSM marks a camera as an intersection after 15).
    public var stopFrames = 15
    /// Window of the moving average over the speed profile, in frames.
    public var smoothing = 5

    public init() {}
}

extension Trajectory {
    /// Analyses a track's boxes.
    public init(boxes: [Box], options: TrajectoryOptions = .init()) {
        stopFrames = options.stopFrames
        let points = boxes.map { (x: $0.centerX, y: $0.centerY) }
        var steps: [Double] = [0]
        for i in points.indices.dropFirst() {
            steps.append(Self.distance(points[i - 1], points[i]))
        }
        let cumulative = steps.reduce(into: [Double]()) { acc, s in acc.append((acc.last ?? 0) + s) }
        let length = cumulative.last ?? 0

        let raw = zip(steps, boxes).map { $0 / max($1.h, 1) }
        speedProfile = Self.movingAverage(raw, window: options.smoothing)
        meanSpeed = raw.count > 1 ? raw.dropFirst().reduce(0, +) / Double(raw.count - 1) : 0

        longestStillFrames = Self.longestStill(points: points, boxes: boxes, options: options)

        let first = points.first ?? (0, 0)
        let last = points.last ?? (0, 0)
        let chord = Self.distance(first, last)
        tortuosity = chord > 0 ? length / chord : 1
        headingX = chord > 0 ? (last.x - first.x) / chord : 0
        headingY = chord > 0 ? (last.y - first.y) / chord : 0

        guard length > 0, points.count >= 3 else {
            turn = .straight
            headingChange = 0
            return
        }
        let window = options.headingWindow * length
        let startEnd = cumulative.firstIndex { $0 >= window } ?? points.count - 1
        let endStart = cumulative.lastIndex { $0 <= length - window } ?? 0
        let h0 = (points[startEnd].x - first.x, points[startEnd].y - first.y)
        let h1 = (last.x - points[endStart].x, last.y - points[endStart].y)
        let cross = h0.0 * h1.1 - h0.1 * h1.0
        let dot = h0.0 * h1.0 + h0.1 * h1.1
        let degrees = Self.atan2Degrees(cross, dot)
        headingChange = degrees
        turn = Motion.turn(headingChange: degrees, threshold: options.turnDegrees)
    }

    static func distance(_ a: (x: Double, y: Double), _ b: (x: Double, y: Double)) -> Double {
        ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot()
    }

    static func atan2Degrees(_ y: Double, _ x: Double) -> Double {
        guard x != 0 || y != 0 else { return 0 }
        return Foundation.atan2(y, x) * 180 / .pi
    }

    /// Longest run of consecutive boxes whose centres stay within tolerance of the run's first centre.
    static func longestStill(points: [(x: Double, y: Double)], boxes: [Box], options: TrajectoryOptions) -> Int {
        guard !points.isEmpty else { return 0 }
        var best = 1
        var anchor = 0
        for i in points.indices.dropFirst() {
            let tolerance = max(options.stillPixels, options.stillShareOfHeight * boxes[anchor].h)
            if distance(points[anchor], points[i]) > tolerance { anchor = i }
            best = max(best, i - anchor + 1)
        }
        return best
    }

    static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        guard window > 1, !values.isEmpty else { return values }
        let half = window / 2
        var prefix = [0.0]
        for v in values { prefix.append((prefix.last ?? 0) + v) }
        return values.indices.map { i in
            let lo = max(0, i - half)
            let hi = min(values.count, i + half + 1)
            return (prefix[hi] - prefix[lo]) / Double(hi - lo)
        }
    }
}

