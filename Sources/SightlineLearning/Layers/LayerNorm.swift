import SightlineEngine

/// Layer normalisation over the last dimension (Ba, Kiros & Hinton, 2016), as `torch.nn.LayerNorm`.
public struct LayerNorm: Parameterized {
    /// [width], initially ones.
    public var weight: Tensor
    /// [width], initially zeros.
    public var bias: Tensor
    public let epsilon: Float

    public var width: Int { weight.count }

    public init(width: Int, epsilon: Float = 1e-5) {
        self.init(weight: Tensor(shape: [width], repeating: 1), bias: Tensor(shape: [width]), epsilon: epsilon)
    }

    public init(weight: Tensor, bias: Tensor, epsilon: Float = 1e-5) {
        precondition(weight.rank == 1 && bias.shape == weight.shape, "layer norm weight \(weight.shape) and bias \(bias.shape)")
        self.weight = weight
        self.bias = bias
        self.epsilon = epsilon
    }

    /// The normalised input x̂ and each row's 1/σ.
    public struct Cache: Sendable {
        let normalised: [Float]
        let inverseDeviation: [Float]
    }

    public typealias Gradients = Linear.Gradients

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try body(prefix + "weight", &weight)
        try body(prefix + "bias", &bias)
    }

    /// y = x̂·γ + β with x̂ = (x − mean) / √(var + ε), the biased variance of each row.
    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        let n = width, rows = x.rows(width: n)
        var normalised = [Float](repeating: 0, count: x.count)
        var inverse = [Float](repeating: 0, count: rows)
        var y = [Float](repeating: 0, count: x.count)
        for r in 0..<rows {
            let base = r * n
            var mean: Float = 0
            for i in 0..<n { mean += x.data[base + i] }
            mean /= Float(n)
            var variance: Float = 0
            for i in 0..<n { let d = x.data[base + i] - mean; variance += d * d }
            variance /= Float(n)
            let scale = 1 / (variance + epsilon).squareRoot()
            inverse[r] = scale
            for i in 0..<n {
                let h = (x.data[base + i] - mean) * scale
                normalised[base + i] = h
                y[base + i] = h * weight.data[i] + bias.data[i]
            }
        }
        return (Tensor(shape: x.shape, data: y), Cache(normalised: normalised, inverseDeviation: inverse))
    }

    /// dx = (1/σ)·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ; dγ = Σ dy·x̂, dβ = Σ dy.
    public func backward(_ gradient: Tensor, cache: Cache) -> (input: Tensor, parameters: Gradients) {
        let n = width, rows = gradient.rows(width: n)
        var dx = [Float](repeating: 0, count: gradient.count)
        var dw = [Float](repeating: 0, count: n)
        var db = [Float](repeating: 0, count: n)
        for r in 0..<rows {
            let base = r * n
            var meanG: Float = 0, meanGH: Float = 0
            for i in 0..<n {
                let dy = gradient.data[base + i], h = cache.normalised[base + i]
                let g = dy * weight.data[i]
                meanG += g
                meanGH += g * h
                dw[i] += dy * h
                db[i] += dy
            }
            meanG /= Float(n)
            meanGH /= Float(n)
            let scale = cache.inverseDeviation[r]
            for i in 0..<n {
                let g = gradient.data[base + i] * weight.data[i]
                dx[base + i] = scale * (g - meanG - cache.normalised[base + i] * meanGH)
            }
        }
        return (Tensor(shape: gradient.shape, data: dx),
                Gradients(weight: Tensor(shape: [n], data: dw), bias: Tensor(shape: [n], data: db)))
    }
}
