import SightlineData
import SightlineEngine

/// A fully connected layer y = x·Wᵀ + b over the last dimension, with PyTorch's [out × in] weight.
public struct Linear: Parameterized {
    /// [outFeatures × inFeatures].
    public var weight: Tensor
    /// [outFeatures].
    public var bias: Tensor

    public var inFeatures: Int { weight.shape[1] }
    public var outFeatures: Int { weight.shape[0] }

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 2 && bias.shape == [weight.shape[0]], "linear weight \(weight.shape) and bias \(bias.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// PyTorch's default initialisation: weight and bias uniform in ±1/√inFeatures.
    public init(inFeatures: Int, outFeatures: Int, generator: inout SplitMix64) {
        let bound = 1 / Float(inFeatures).squareRoot()
        let weight = Tensor.uniform(shape: [outFeatures, inFeatures], bound: bound, generator: &generator)
        self.init(weight: weight, bias: .uniform(shape: [outFeatures], bound: bound, generator: &generator))
    }

    /// What the backward pass needs: the input.
    public struct Cache: Sendable { let input: Tensor }

    /// The gradients of `weight` and `bias`.
    public struct Gradients: Parameterized {
        public var weight: Tensor
        public var bias: Tensor

        public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
            try body(prefix + "weight", &weight)
            try body(prefix + "bias", &bias)
        }
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(prefix + "weight", &weight)
        try body(prefix + "bias", &bias)
    }

    /// y for `x` of shape [..., inFeatures]; the output has shape [..., outFeatures].
    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        let rows = x.rows(width: inFeatures)
        let (n, k) = (outFeatures, inFeatures)
        var y = [Float](repeating: 0, count: rows * n)
        for r in 0..<rows { for j in 0..<n { y[r * n + j] = bias.data[j] } }
        x.data.withUnsafeBufferPointer { a in
            weight.data.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedB(m: rows, n: n, k: k, a: a.baseAddress!, lda: k, b: w.baseAddress!, ldb: k,
                                         c: c.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        return (Tensor(shape: Array(x.shape.dropLast()) + [n], data: y), Cache(input: x))
    }

    /// dL/dx = dy·W, dL/dW = dyᵀ·x, dL/db = Σ dy over the rows.
    public func backward(_ gradient: Tensor, cache: Cache) -> (input: Tensor, parameters: Gradients) {
        let x = cache.input
        let rows = gradient.rows(width: outFeatures)
        let (n, k) = (outFeatures, inFeatures)
        var dx = [Float](repeating: 0, count: rows * k)
        var dw = [Float](repeating: 0, count: n * k)
        var db = [Float](repeating: 0, count: n)
        gradient.data.withUnsafeBufferPointer { dy in
            weight.data.withUnsafeBufferPointer { w in
                dx.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: rows, n: k, k: n, a: dy.baseAddress!, lda: n, b: w.baseAddress!, ldb: k, c: c.baseAddress!, ldc: k)
                }
            }
            x.data.withUnsafeBufferPointer { input in
                dw.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedA(m: n, n: k, k: rows, a: dy.baseAddress!, lda: n, b: input.baseAddress!, ldb: k,
                                         c: c.baseAddress!, ldc: k)
                }
            }
            for r in 0..<rows { for j in 0..<n { db[j] += dy[r * n + j] } }
        }
        return (Tensor(shape: x.shape, data: dx),
                Gradients(weight: Tensor(shape: [n, k], data: dw), bias: Tensor(shape: [n], data: db)))
    }
}
