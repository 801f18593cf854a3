import Foundation
import SightlineEngine

/// The cross-entropy of softmax probabilities against class labels, as `torch.nn.CrossEntropyLoss`
/// (mean over rows, optional label smoothing ε: the target is 1 − ε on the label plus ε/k on every
/// class), at a temperature T (logits divided by T: 1 in training, fitted afterwards to calibrate).
/// A classifier head's loss: logits [n × k], one label in 0..<k per row. Computed in `Double` about
/// each row's maximum, so large logits do not overflow.
public struct SoftmaxCrossEntropy: Sendable {
    public let labelSmoothing: Double
    public let temperature: Double

    public init(labelSmoothing: Double = 0, temperature: Double = 1) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing \(labelSmoothing) outside [0, 1)")
        precondition(temperature > 0 && temperature.isFinite, "temperature \(temperature) is not positive")
        self.labelSmoothing = labelSmoothing
        self.temperature = temperature
    }

    public struct Result: Sendable {
        public var loss: Float
        /// dL/dlogits, [n × k].
        public var logits: Tensor
        /// The softmax of each row (at the temperature), [n × k].
        public var probabilities: Tensor
    }

    public func callAsFunction(logits: Tensor, labels: [Int]) -> Result {
        precondition(logits.rank == 2 && logits.shape[0] == labels.count && logits.shape[0] > 0 && logits.shape[1] > 0,
                     "cross-entropy of logits \(logits.shape) against \(labels.count) labels")
        let (n, k) = (logits.shape[0], logits.shape[1])
        precondition(labels.allSatisfy { (0..<k).contains($0) }, "a label outside 0..<\(k)")
        var gradient = [Float](repeating: 0, count: n * k)
        var probabilities = [Float](repeating: 0, count: n * k)
        var loss = 0.0
        let onLabel = 1 - labelSmoothing, everywhere = labelSmoothing / Double(k)
        for i in 0..<n {
            let row = logits.data[(i * k)..<(i * k + k)].map { Double($0) / temperature }
            let top = row.max() ?? 0
            let lse = top + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - top) })
            for j in 0..<k {
                let p = Foundation.exp(row[j] - lse)
                let target = everywhere + (j == labels[i] ? onLabel : 0)
                loss -= target * (row[j] - lse)
                probabilities[i * k + j] = Float(p)
                gradient[i * k + j] = Float((p - target) / (Double(n) * temperature))
            }
        }
        return Result(loss: Float(loss / Double(n)), logits: Tensor(shape: logits.shape, data: gradient),
                      probabilities: Tensor(shape: logits.shape, data: probabilities))
    }
}
