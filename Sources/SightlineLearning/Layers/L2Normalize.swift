import SightlineEngine

/// Scales each row to unit length, x / max(‖x‖, ε), as `torch.nn.functional.normalize` (ε = 1e-12),
/// so that dot products of embeddings are cosine similarities.
public struct L2Normalize: Sendable {
    public let epsilon: Float

    public init(epsilon: Float = 1e-12) { self.epsilon = epsilon }

    /// The unit rows and each row's divisor.
    public struct Cache: Sendable {
        let output: Tensor
        let norms: [Float]
    }

    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        let width = x.shape.last ?? 0, rows = x.rows(width: width)
        var y = x.data
        var norms = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var sum: Float = 0
            for i in 0..<width { sum += y[r * width + i] * y[r * width + i] }
            let norm = max(sum.squareRoot(), epsilon)
            norms[r] = norm
            for i in 0..<width { y[r * width + i] /= norm }
        }
        let output = Tensor(shape: x.shape, data: y)
        return (output, Cache(output: output, norms: norms))
    }

    /// dx = (dy − y·(y·dy)) / ‖x‖ (rows whose norm fell below ε: dy / ε).
    public func backward(_ gradient: Tensor, cache: Cache) -> Tensor {
        let width = gradient.shape.last ?? 0, rows = cache.norms.count
        var dx = gradient.data
        for r in 0..<rows {
            let base = r * width, norm = cache.norms[r]
            guard norm > epsilon else {
                for i in 0..<width { dx[base + i] /= norm }
                continue
            }
            var dot: Float = 0
            for i in 0..<width { dot += cache.output.data[base + i] * gradient.data[base + i] }
            for i in 0..<width { dx[base + i] = (gradient.data[base + i] - cache.output.data[base + i] * dot) / norm }
        }
        return Tensor(shape: gradient.shape, data: dx)
    }
}
