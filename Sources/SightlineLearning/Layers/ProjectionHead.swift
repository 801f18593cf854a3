import SightlineData
import SightlineEngine

/// The projection head of either tower (SSM's symmetric heads): Linear → LayerNorm → GELU → Dropout → Linear,
/// mapping a tower's features into the shared embedding space.
public struct ProjectionHead: Parameterized {
    public var fc1: Linear
    public var norm: LayerNorm
    public var fc2: Linear
    public let dropout: Dropout
    private let activation = GELU()

    public init(fc1: Linear, norm: LayerNorm, fc2: Linear, dropout: Dropout) {
        precondition(fc1.outFeatures == norm.width && norm.width == fc2.inFeatures,
                     "projection head widths \(fc1.outFeatures), \(norm.width), \(fc2.inFeatures) differ")
        self.fc1 = fc1
        self.norm = norm
        self.fc2 = fc2
        self.dropout = dropout
    }

    public init(inFeatures: Int, hidden: Int, outFeatures: Int, dropout: Float, generator: inout SplitMix64) {
        self.init(fc1: Linear(inFeatures: inFeatures, outFeatures: hidden, generator: &generator),
                  norm: LayerNorm(width: hidden),
                  fc2: Linear(inFeatures: hidden, outFeatures: outFeatures, generator: &generator),
                  dropout: Dropout(probability: dropout))
    }

    public struct Cache: Sendable {
        let fc1: Linear.Cache, norm: LayerNorm.Cache, activation: GELU.Cache, dropout: Dropout.Cache, fc2: Linear.Cache
    }

    public struct Gradients: Parameterized {
        public var fc1: Linear.Gradients
        public var norm: LayerNorm.Gradients
        public var fc2: Linear.Gradients

        public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
            try fc1.visitParameters(prefix + "fc1.", body)
            try norm.visitParameters(prefix + "norm.", body)
            try fc2.visitParameters(prefix + "fc2.", body)
        }
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try fc1.visitParameters(prefix + "fc1.", body)
        try norm.visitParameters(prefix + "norm.", body)
        try fc2.visitParameters(prefix + "fc2.", body)
    }

    /// Training mode: dropout masks drawn from `generator`.
    public func forward(_ x: Tensor, generator: inout SplitMix64) -> (output: Tensor, cache: Cache) {
        let (h1, c1) = fc1.forward(x)
        let (h2, c2) = norm.forward(h1)
        let (h3, c3) = activation.forward(h2)
        let (h4, c4) = dropout.forward(h3, generator: &generator)
        let (y, c5) = fc2.forward(h4)
        return (y, Cache(fc1: c1, norm: c2, activation: c3, dropout: c4, fc2: c5))
    }

    /// Inference: no dropout.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        fc2.forward(activation.forward(norm.forward(fc1.forward(x).output).output).output).output
    }

    public func backward(_ gradient: Tensor, cache: Cache) -> (input: Tensor, parameters: Gradients) {
        let (d4, g2) = fc2.backward(gradient, cache: cache.fc2)
        let d2 = activation.backward(dropout.backward(d4, cache: cache.dropout), cache: cache.activation)
        let (d1, gn) = norm.backward(d2, cache: cache.norm)
        let (dx, g1) = fc1.backward(d1, cache: cache.fc1)
        return (dx, Gradients(fc1: g1, norm: gn, fc2: g2))
    }
}
