import Foundation
import SightlineEngine

/// Circle loss (Sun et al., 2020) on a square similarity matrix whose diagonal holds the positives and
/// every other entry of the row (track → texts) or the column (text → tracks) a negative; the loss is
/// the mean of both directions, as `SymmetricInfoNCE`.
///
/// Per anchor, with positive s_p and negatives s_n: α_p = [1 + m − s_p]₊ and α_n = [s_n + m]₊ (constants
/// of the gradient, as the authors' code detaches them), Δ_p = 1 − m, Δ_n = m, and
/// L = softplus(log Σ exp(γ α_n (s_n − Δ_n)) − γ α_p (s_p − Δ_p)).
public struct CircleLoss: Sendable {
    /// The scale γ.
    public let gamma: Double
    /// The relaxation margin m.
    public let margin: Double

    public init(gamma: Double = 48, margin: Double = 0.35) {
        self.gamma = gamma
        self.margin = margin
    }

    public struct Result: Sendable {
        public var loss: Float
        /// dL/dS.
        public var similarities: Tensor
    }

    public func callAsFunction(similarities s: Tensor) -> Result {
        evaluate(s, weightsFrom: s)
    }

    /// The loss of `s` with α_p and α_n taken from `weights`: the returned gradient is exact for
    /// fixed weights, which is what finite differences can check.
    func evaluate(_ s: Tensor, weightsFrom weights: Tensor) -> Result {
        precondition(weights.shape == s.shape, "circle loss weights \(weights.shape) for similarities \(s.shape)")
        precondition(s.rank == 2 && s.shape[0] == s.shape[1] && s.shape[0] > 1, "circle loss needs a square similarity matrix of 2 or more, not \(s.shape)")
        let n = s.shape[0]
        var gradient = [Double](repeating: 0, count: n * n)
        var loss = 0.0
        let weight = 0.5 / Double(n)
        for direction in 0..<2 {
            let index: (Int, Int) -> Int = direction == 0 ? { $0 * n + $1 } : { $1 * n + $0 }
            for i in 0..<n {
                let positive = Double(s.data[index(i, i)])
                let alphaP = max(0, 1 + margin - Double(weights.data[index(i, i)]))
                let logitP = -gamma * alphaP * (positive - (1 - margin))
                let others = (0..<n).filter { $0 != i }
                let alphaN = others.map { max(0, Double(weights.data[index(i, $0)]) + margin) }
                let logitsN = zip(others, alphaN).map { j, alpha in gamma * alpha * (Double(s.data[index(i, j)]) - margin) }
                let lse = logSumExp(logitsN)
                let z = lse + logitP
                loss += softplus(z)
                let sigma = 1 / (1 + Foundation.exp(-z))
                gradient[index(i, i)] += weight * sigma * (-gamma * alphaP)
                for (k, j) in others.enumerated() {
                    gradient[index(i, j)] += weight * sigma * Foundation.exp(logitsN[k] - lse) * gamma * alphaN[k]
                }
            }
        }
        return Result(loss: Float(loss * weight), similarities: Tensor(shape: s.shape, data: gradient.map { Float($0) }))
    }

    private func softplus(_ x: Double) -> Double {
        x > 30 ? x : Foundation.log1p(Foundation.exp(x))
    }
}
