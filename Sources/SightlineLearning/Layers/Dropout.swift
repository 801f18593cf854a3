import SightlineData
import SightlineEngine

/// Inverted dropout (Srivastava et al., 2014), as `torch.nn.Dropout` in training mode: each element is
/// zeroed with `probability` and the others scaled by 1/(1 − probability). The mask comes from the
/// caller's generator, one draw per element in row-major order, so a seed fixes it.
public struct Dropout: Sendable {
    public let probability: Float

    public init(probability: Float) {
        precondition(probability >= 0 && probability < 1, "dropout probability \(probability) outside [0, 1)")
        self.probability = probability
    }

    /// Each element's factor: 0 where dropped, 1/(1 − p) where kept.
    public struct Cache: Sendable { let mask: [Float] }

    /// Training mode: drops elements with draws from `generator`.
    public func forward(_ x: Tensor, generator: inout SplitMix64) -> (output: Tensor, cache: Cache) {
        guard probability > 0 else { return (x, Cache(mask: [])) }
        let keep = 1 / (1 - probability)
        let mask = (0..<x.count).map { _ in generator.unitInterval() < probability ? 0 : keep }
        return (Tensor(shape: x.shape, data: zip(x.data, mask).map { $0 * $1 }), Cache(mask: mask))
    }

    public func backward(_ gradient: Tensor, cache: Cache) -> Tensor {
        guard !cache.mask.isEmpty else { return gradient }
        return Tensor(shape: gradient.shape, data: zip(gradient.data, cache.mask).map { $0 * $1 })
    }
}
