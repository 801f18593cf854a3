import Foundation
import SightlineEngine

/// The triplet loss of `torch.nn.TripletMarginLoss` (p = 2, ε = 1e-6, mean over anchors):
/// max(0, d(a, p) − d(a, n) + margin) with d(x, y) = ‖x − y + ε‖₂.
///
/// Anchor i is track i's embedding and its positive is text i. Its negative is the given one where
/// `hasNegative[i]` (the embedding of a description of the same track from another camera, which
/// must be told apart from this view's), else the hardest in-batch text: the text j ≠ i nearest the anchor.
public struct TripletLoss: Sendable {
    public let margin: Double
    public static let epsilon = 1e-6

    public init(margin: Double = 0) { self.margin = margin }

    public struct Result: Sendable {
        public var loss: Float
        public var anchors: Tensor
        public var positives: Tensor
        /// dL/d`negatives`, zero in rows without a given negative; empty when none was passed.
        public var negatives: Tensor
        /// The in-batch text used as each anchor's negative, nil where the given one was.
        public var hardest: [Int?]
    }

    /// `anchors` and `positives` are [n × d], `negatives` [n × d] or nil, `hasNegative` n flags (or empty).
    public func callAsFunction(anchors: Tensor, positives: Tensor, negatives: Tensor? = nil, hasNegative: [Bool] = []) -> Result {
        let d = anchors.shape.last ?? 0, n = anchors.rows(width: d)
        precondition(positives.shape == anchors.shape && n > 1, "triplet anchors \(anchors.shape), positives \(positives.shape)")
        precondition(negatives.map { $0.shape == anchors.shape && hasNegative.count == n } ?? hasNegative.allSatisfy { !$0 },
                     "triplet negatives \(negatives?.shape ?? []) with \(hasNegative.count) flags for \(n) anchors")
        let row = { (t: Tensor, i: Int) in t.data[(i * d)..<(i * d + d)] }
        func distance(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> Double {
            zip(x, y).reduce(0) { sum, pair in
                let v = Double(pair.0) - Double(pair.1) + Self.epsilon
                return sum + v * v
            }.squareRoot()
        }
        func difference(_ x: ArraySlice<Float>, _ y: ArraySlice<Float>) -> (vector: [Double], norm: Double) {
            let v = zip(x, y).map { Double($0) - Double($1) + Self.epsilon }
            return (v, v.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        var dA = [Double](repeating: 0, count: n * d), dP = dA, dN = dA
        var hardest = [Int?](repeating: nil, count: n)
        var loss = 0.0
        for i in 0..<n {
            let anchor = row(anchors, i)
            let positive = difference(anchor, row(positives, i))
            let negative: (vector: [Double], norm: Double)
            if let negatives, hasNegative[i] {
                negative = difference(anchor, row(negatives, i))
            } else {
                let others = (0..<n).filter { $0 != i }
                let nearest = others.min { distance(anchor, row(positives, $0)) < distance(anchor, row(positives, $1)) } ?? 0
                hardest[i] = nearest
                negative = difference(anchor, row(positives, nearest))
            }
            let value = positive.norm - negative.norm + margin
            guard value > 0 else { continue }
            loss += value
            let scale = 1 / Double(n)
            for k in 0..<d {
                let up = positive.vector[k] / positive.norm * scale, un = negative.vector[k] / negative.norm * scale
                dA[i * d + k] += up - un
                dP[i * d + k] -= up
                if let j = hardest[i] { dP[j * d + k] += un } else { dN[i * d + k] += un }
            }
        }
        let tensor = { (values: [Double]) in Tensor(shape: anchors.shape, data: values.map { Float($0) }) }
        return Result(loss: Float(loss / Double(n)), anchors: tensor(dA), positives: tensor(dP),
                      negatives: negatives == nil ? Tensor(shape: [0]) : tensor(dN), hardest: hardest)
    }
}
