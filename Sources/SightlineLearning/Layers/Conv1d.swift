import SightlineData
import SightlineEngine

/// A 1-D convolution over time with stride 1 and "same" zero padding (odd kernel), as `torch.nn.Conv1d`
/// with `padding = kernel / 2`, on sequences stored [batch × time × channels].
///
/// The product runs as one SGEMM on the unfolded input (im2col), whose columns follow PyTorch's
/// [out × in × kernel] weight, so forward and backward are each one or two BLAS calls.
public struct Conv1d: Parameterized {
    /// [outChannels × inChannels × kernel].
    public var weight: Tensor
    /// [outChannels].
    public var bias: Tensor

    public var outChannels: Int { weight.shape[0] }
    public var inChannels: Int { weight.shape[1] }
    public var kernel: Int { weight.shape[2] }
    private var padding: Int { kernel / 2 }

    public init(weight: Tensor, bias: Tensor) {
        precondition(weight.rank == 3 && weight.shape[2] % 2 == 1 && bias.shape == [weight.shape[0]],
                     "conv1d weight \(weight.shape) (odd kernel) and bias \(bias.shape)")
        self.weight = weight
        self.bias = bias
    }

    /// PyTorch's default initialisation: uniform in ±1/√(inChannels·kernel).
    public init(inChannels: Int, outChannels: Int, kernel: Int, generator: inout SplitMix64) {
        let bound = 1 / Float(inChannels * kernel).squareRoot()
        let weight = Tensor.uniform(shape: [outChannels, inChannels, kernel], bound: bound, generator: &generator)
        self.init(weight: weight, bias: .uniform(shape: [outChannels], bound: bound, generator: &generator))
    }

    /// The unfolded input, [batch·time × inChannels·kernel], and the input's shape.
    public struct Cache: Sendable {
        let columns: [Float]
        let inputShape: [Int]
    }

    public typealias Gradients = Linear.Gradients

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(prefix + "weight", &weight)
        try body(prefix + "bias", &bias)
    }

    /// y[b, t, o] = bias[o] + Σ_c Σ_j W[o, c, j] · x[b, t + j − kernel/2, c]; `x` is [batch × time × inChannels].
    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        precondition(x.rank == 3 && x.shape[2] == inChannels, "conv1d input \(x.shape), expected [batch, time, \(inChannels)]")
        let (batch, time) = (x.shape[0], x.shape[1])
        let (rows, width, n) = (batch * time, inChannels * kernel, outChannels)
        var columns = [Float](repeating: 0, count: rows * width)
        for b in 0..<batch {
            for t in 0..<time {
                let row = (b * time + t) * width
                for j in 0..<kernel {
                    let source = t + j - padding
                    guard source >= 0 && source < time else { continue }
                    let input = (b * time + source) * inChannels
                    for c in 0..<inChannels { columns[row + c * kernel + j] = x.data[input + c] }
                }
            }
        }
        var y = [Float](repeating: 0, count: rows * n)
        for r in 0..<rows { for o in 0..<n { y[r * n + o] = bias.data[o] } }
        columns.withUnsafeBufferPointer { a in
            weight.data.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedB(m: rows, n: n, k: width, a: a.baseAddress!, lda: width, b: w.baseAddress!, ldb: width,
                                         c: c.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        return (Tensor(shape: [batch, time, n], data: y), Cache(columns: columns, inputShape: x.shape))
    }

    /// dW = dyᵀ·columns, db = Σ dy, and dx by folding dy·W back onto the time steps each column came from.
    public func backward(_ gradient: Tensor, cache: Cache) -> (input: Tensor, parameters: Gradients) {
        let (batch, time) = (cache.inputShape[0], cache.inputShape[1])
        let (rows, width, n) = (batch * time, inChannels * kernel, outChannels)
        var dw = [Float](repeating: 0, count: n * width)
        var db = [Float](repeating: 0, count: n)
        var dColumns = [Float](repeating: 0, count: rows * width)
        gradient.data.withUnsafeBufferPointer { dy in
            cache.columns.withUnsafeBufferPointer { columns in
                dw.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedA(m: n, n: width, k: rows, a: dy.baseAddress!, lda: n, b: columns.baseAddress!, ldb: width,
                                         c: c.baseAddress!, ldc: width)
                }
            }
            weight.data.withUnsafeBufferPointer { w in
                dColumns.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: rows, n: width, k: n, a: dy.baseAddress!, lda: n, b: w.baseAddress!, ldb: width,
                              c: c.baseAddress!, ldc: width)
                }
            }
            for r in 0..<rows { for o in 0..<n { db[o] += dy[r * n + o] } }
        }
        var dx = [Float](repeating: 0, count: rows * inChannels)
        for b in 0..<batch {
            for t in 0..<time {
                let row = (b * time + t) * width
                for j in 0..<kernel {
                    let source = t + j - padding
                    guard source >= 0 && source < time else { continue }
                    let input = (b * time + source) * inChannels
                    for c in 0..<inChannels { dx[input + c] += dColumns[row + c * kernel + j] }
                }
            }
        }
        return (Tensor(shape: cache.inputShape, data: dx),
                Gradients(weight: Tensor(shape: weight.shape, data: dw), bias: Tensor(shape: [n], data: db)))
    }
}
