import Foundation
import SightlineEngine

/// Mean cross-entropy of a softmax over each row of logits [n × classes] against one class per row,
/// at a temperature T (logits divided by T; T = 1 in training, fitted afterwards to calibrate).
/// Computed in `Double` with the row maximum subtracted, so large logits do not overflow.
public struct SoftmaxCrossEntropy: Sendable {
    public var temperature: Double

    public init(temperature: Double = 1) { self.temperature = temperature }

    public struct Result: Sendable {
        public var loss: Float
        /// dL/dlogits, [n × classes].
        public var logits: Tensor
        /// Softmax probabilities, [n × classes].
        public var probabilities: Tensor
    }

    public func callAsFunction(logits: Tensor, labels: [Int]) -> Result {
        let k = logits.shape.last ?? 0, n = logits.rows(width: k)
        precondition(labels.count == n && labels.allSatisfy { (0..<k).contains($0) }, "\(labels.count) labels in 0..<\(k) for \(n) rows")
        var gradient = [Float](repeating: 0, count: n * k), probabilities = gradient
        var loss = 0.0
        for i in 0..<n {
            let row = (0..<k).map { Double(logits.data[i * k + $0]) / temperature }
            let top = row.max() ?? 0
            let exps = row.map { Foundation.exp($0 - top) }
            let sum = exps.reduce(0, +)
            loss -= row[labels[i]] - top - Foundation.log(sum)
            for c in 0..<k {
                let p = exps[c] / sum
                probabilities[i * k + c] = Float(p)
                gradient[i * k + c] = Float((p - (c == labels[i] ? 1 : 0)) / (Double(n) * temperature))
            }
        }
        return Result(loss: Float(loss / Double(max(n, 1))), logits: Tensor(shape: logits.shape, data: gradient),
                      probabilities: Tensor(shape: logits.shape, data: probabilities))
    }
}
