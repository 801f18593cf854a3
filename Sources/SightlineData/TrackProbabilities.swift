import Foundation

/// The learned readings of one track, each a calibrated probability.
public struct TrackProbabilities: Sendable, Equatable, Codable {
    public var straight: Double, left: Double, right: Double
    public var stop: Double
    /// Waits at an intersection.
    public var waits: Double

    public init(straight: Double, left: Double, right: Double, stop: Double, waits: Double) {
        self.straight = straight
        self.left = left
        self.right = right
        self.stop = stop
        self.waits = waits
    }

    /// The five probabilities in a fixed order (straight, left, right, stop, waits): how an index stores them.
    public var values: [Double] { [straight, left, right, stop, waits] }

    /// The readings `values` stored, nil when they are not five or not a path distribution (all 0: none stored).
    public init?(values v: [Double]) {
        guard v.count == 5, abs(v[0] + v[1] + v[2] - 1) < 1e-3 else { return nil }
        self.init(straight: v[0], left: v[1], right: v[2], stop: v[3], waits: v[4])
    }

    /// The most likely path.
    public var turn: Motion {
        if left > straight && left >= right { return .leftTurn }
        if right > straight && right > left { return .rightTurn }
        return .straight
    }

    /// "left turn 0.83, stops 0.10, waits 0.05": the path and its probability, then the others.
    public var summary: String {
        let path = switch turn {
        case .leftTurn: String(format: "left turn %.2f", left)
        case .rightTurn: String(format: "right turn %.2f", right)
        default: String(format: "straight %.2f", straight)
        }
        return path + String(format: ", stops %.2f, waits at an intersection %.2f", stop, waits)
    }
}
