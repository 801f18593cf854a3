import Foundation
import SightlineEngine

/// CLIP's symmetric InfoNCE (Radford et al., 2021) on a square similarity matrix S whose diagonal holds
/// the matching pairs: logits = exp(t)·S with a learnable log-scale t, and the loss the mean of the
/// cross-entropies of each row (track → texts) and each column (text → tracks) against the diagonal.
///
/// Computed in `Double`: the matrix is only batch × batch.
public struct SymmetricInfoNCE: Sendable {
    /// CLIP's initial log-scale, log(1/0.07): a temperature of 0.07.
    public static let initialLogScale = Float(Foundation.log(1 / 0.07))

    public init() {}

    public struct Result: Sendable {
        public var loss: Float
        /// dL/dS.
        public var similarities: Tensor
        /// dL/dt.
        public var logScale: Float
    }

    public func callAsFunction(similarities s: Tensor, logScale: Float) -> Result {
        precondition(s.rank == 2 && s.shape[0] == s.shape[1] && s.shape[0] > 0, "InfoNCE needs a square similarity matrix, not \(s.shape)")
        let n = s.shape[0]
        let scale = Foundation.exp(Double(logScale))
        let logits = s.data.map { scale * Double($0) }
        var dLogits = [Double](repeating: 0, count: n * n)
        var loss = 0.0
        let half = 0.5 / Double(n)
        for i in 0..<n {
            let row = Array(logits[(i * n)..<(i * n + n)])
            let rowLSE = logSumExp(row)
            loss += rowLSE - logits[i * n + i]
            for j in 0..<n { dLogits[i * n + j] += half * Foundation.exp(row[j] - rowLSE) }
            dLogits[i * n + i] -= half
            let column = (0..<n).map { logits[$0 * n + i] }
            let columnLSE = logSumExp(column)
            loss += columnLSE - logits[i * n + i]
            for j in 0..<n { dLogits[j * n + i] += half * Foundation.exp(column[j] - columnLSE) }
            dLogits[i * n + i] -= half
        }
        var dLogScale = 0.0
        for k in 0..<(n * n) { dLogScale += dLogits[k] * logits[k] }
        return Result(loss: Float(loss * half),
                      similarities: Tensor(shape: s.shape, data: dLogits.map { Float($0 * scale) }),
                      logScale: Float(dLogScale))
    }
}
