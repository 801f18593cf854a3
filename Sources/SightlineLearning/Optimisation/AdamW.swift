import Foundation
import SightlineEngine

/// Adam with decoupled weight decay (Loshchilov & Hutter, 2019), step for step as `torch.optim.AdamW`:
/// θ ← θ·(1 − lr·λ), then θ ← θ − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
public struct AdamW: Sendable {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// λ, applied to the tensors `decays` selects.
    public var weightDecay: Float = 1e-2
    /// Steps taken so far (t of the bias correction).
    public private(set) var steps = 0
    private var firstMoments: [[Float]] = []
    private var secondMoments: [[Float]] = []

    public init(weightDecay: Float = 1e-2) { self.weightDecay = weightDecay }

    /// The running moments, one array per tensor in visiting order (empty before the first step).
    public var moments: (first: [[Float]], second: [[Float]]) { (firstMoments, secondMoments) }

    /// Puts back the state `steps` and `moments` described, to resume training where a checkpoint left it.
    public mutating func restore(steps: Int, first: [[Float]], second: [[Float]]) {
        precondition(first.count == second.count && zip(first, second).allSatisfy { $0.count == $1.count },
                     "AdamW moments of \(first.count) and \(second.count) tensors")
        self.steps = steps
        firstMoments = first
        secondMoments = second
    }

    /// Whether a tensor is decayed by default: matrices and kernels are, biases, norms and scales
    /// (rank below 2) are not, the usual split of transformer and CLIP training.
    public static func decaysByDefault(_ name: String, _ tensor: Tensor) -> Bool { tensor.rank >= 2 }

    /// One step on every tensor of `parameters`, whose gradients `gradients` holds in the same order.
    public mutating func step<P: Parameterized, G: Parameterized>(
        _ parameters: inout P, gradients: G, learningRate: Float,
        decays: (String, Tensor) -> Bool = AdamW.decaysByDefault
    ) {
        let grads = gradients.namedParameters
        if firstMoments.isEmpty {
            firstMoments = grads.map { [Float](repeating: 0, count: $0.tensor.count) }
            secondMoments = firstMoments
        }
        precondition(firstMoments.count == grads.count, "AdamW state for \(firstMoments.count) tensors, \(grads.count) gradients")
        steps += 1
        let correction1 = 1 - Double(beta1).power(steps)
        let correction2 = 1 - Double(beta2).power(steps)
        let stepSize = Float(Double(learningRate) / correction1)
        let root2 = Float(correction2.squareRoot())
        var (first, second) = (firstMoments, secondMoments)
        firstMoments = []
        secondMoments = []
        let (b1, b2, eps, lambda) = (beta1, beta2, epsilon, weightDecay)
        var index = 0
        parameters.visitParameters("") { name, tensor in
            let (gradientName, gradient) = grads[index]
            precondition(gradientName == name && gradient.shape == tensor.shape,
                         "gradient \(gradientName) \(gradient.shape) for parameter \(name) \(tensor.shape)")
            let decay: Float = decays(name, tensor) ? 1 - learningRate * lambda : 1
            first[index].withUnsafeMutableBufferPointer { m in
                second[index].withUnsafeMutableBufferPointer { v in
                    for k in tensor.data.indices {
                        let g = gradient.data[k]
                        m[k] += (g - m[k]) * (1 - b1)
                        v[k] = v[k] * b2 + (1 - b2) * g * g
                        tensor.data[k] = tensor.data[k] * decay - stepSize * m[k] / (v[k].squareRoot() / root2 + eps)
                    }
                }
            }
            index += 1
        }
        (firstMoments, secondMoments) = (first, second)
    }
}

extension Double {
    /// selfⁿ for a step count n ≥ 0.
    func power(_ n: Int) -> Double { Foundation.pow(self, Double(n)) }
}
