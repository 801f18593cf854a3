import Glibc
import SightlineEngine

/// GELU in the exact erf form, x·Φ(x) (Hendrycks & Gimpel, 2016), as `torch.nn.GELU()`.
public struct GELU: Sendable {
    public init() {}

    /// What the backward pass needs: the input.
    public struct Cache: Sendable { let input: Tensor }

    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        (Tensor(shape: x.shape, data: x.data.map { 0.5 * $0 * (1 + erff($0 * 0.70710678118654752)) }), Cache(input: x))
    }

    /// dy·(Φ(x) + x·φ(x)).
    public func backward(_ gradient: Tensor, cache: Cache) -> Tensor {
        var dx = gradient.data
        for i in dx.indices {
            let x = cache.input.data[i]
            let cdf = 0.5 * (1 + erff(x * 0.70710678118654752))
            let pdf = expf(-0.5 * x * x) * 0.39894228040143268
            dx[i] *= cdf + x * pdf
        }
        return Tensor(shape: gradient.shape, data: dx)
    }
}
