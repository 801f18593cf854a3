import Foundation
import SightlineData
import SightlineLanguage
import SightlineTracks

/// Does the path bend the way the query says (straight, left, right)? Soft: a path that
/// turns 40 degrees is partly a turn, so near-threshold tracks are not all-or-nothing.
public struct MotionTerm: ScoreTerm {
    public var name: String { "motion" }
    /// Degrees of heading change at which a path is half a turn.
    public var turnDegrees = Motion.turnDegrees
    /// Softness of the boundary, in degrees.
    public var softness = 10.0

    public init() {}

    public var featureNames: [String] { ["p-straight", "p-left", "p-right"] }
    public var featureVersion: String { "turn \(turnDegrees) soft \(softness)" }

    /// The shares of descriptions saying straight, left and right.
    public func queryVector(_ query: QueryProfile) -> [Double] {
        let m = query.motions
        return [m[.straight], m[.leftTurn], m[.rightTurn]]
    }

    /// The path's probabilities of straight, left and right.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let t = gallery.analysis.trajectories[track.id] else { return [0, 0, 0] }
        let p = turnProbabilities(headingChange: t.headingChange)
        return [p.straight, p.left, p.right]
    }

    /// Probabilities of (straight, left, right) for a heading change in degrees (negative = left).
    public func turnProbabilities(headingChange: Double) -> (straight: Double, left: Double, right: Double) {
        let left = 1 / (1 + exp((headingChange + turnDegrees) / softness))
        let right = 1 / (1 + exp(-(headingChange - turnDegrees) / softness))
        return (max(0, 1 - left - right), left, right)
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let said = [Motion.straight, .leftTurn, .rightTurn].filter { query.motions[$0] > 0 }.map(\.rawValue)
        guard let t = gallery.analysis.trajectories[track.id] else { return "no trajectory" }
        let asked = said.isEmpty ? "query names no turn" : "query: \(said.joined(separator: "/"))"
        return "\(asked); path \(t.turn.rawValue) (\(Int(clamping: t.headingChange.rounded())) deg)"
    }
}
