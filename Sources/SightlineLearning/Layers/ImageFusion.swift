import SightlineData
import SightlineEngine

/// SSM's image tower on frozen features: a `ProjectionHead` maps a track's frozen EfficientNet-Lite
/// features (its crops and its motion map) to the trajectory tower's width, and the result is added
/// to the trajectory's pooled features, so the track head reads both. A track without image features
/// adds nothing: its fused features are its trajectory's, and the head gets no gradient from it.
public struct ImageFusion: Parameterized {
    public var head: ProjectionHead

    public var inFeatures: Int { head.fc1.inFeatures }
    public var outFeatures: Int { head.fc2.outFeatures }

    public init(head: ProjectionHead) { self.head = head }

    public init(inFeatures: Int, hidden: Int, outFeatures: Int, dropout: Float, generator: inout SplitMix64) {
        head = ProjectionHead(inFeatures: inFeatures, hidden: hidden, outFeatures: outFeatures, dropout: dropout, generator: &generator)
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try head.visitParameters(prefix + "head.", body)
    }

    public struct Gradients: Parameterized {
        public var head: ProjectionHead.Gradients

        public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
            try head.visitParameters(prefix + "head.", body)
        }
    }

    /// The rows with image features, and the head's cache over them (nil when there are none).
    public struct Cache: Sendable {
        let rows: [Int]
        let head: ProjectionHead.Cache?
        let imageShape: [Int]
    }

    /// Training mode: `features` [n × outFeatures] plus, on each row where `present`, the head's
    /// output for that row of `images` [n × inFeatures]; the head's dropout draws from `generator`,
    /// over the present rows only.
    public func forward(_ features: Tensor, images: Tensor, present: [Bool], generator: inout SplitMix64) -> (output: Tensor, cache: Cache) {
        check(features, images, present)
        let rows = present.indices.filter { present[$0] }
        guard !rows.isEmpty else { return (features, Cache(rows: [], head: nil, imageShape: images.shape)) }
        let (projected, cache) = head.forward(Self.gather(images, rows: rows), generator: &generator)
        return (Self.scatterAdd(projected, rows: rows, onto: features), Cache(rows: rows, head: cache, imageShape: images.shape))
    }

    /// Inference: no dropout.
    public func callAsFunction(_ features: Tensor, images: Tensor, present: [Bool]) -> Tensor {
        check(features, images, present)
        let rows = present.indices.filter { present[$0] }
        guard !rows.isEmpty else { return features }
        return Self.scatterAdd(head(Self.gather(images, rows: rows)), rows: rows, onto: features)
    }

    /// The gradient of the trajectory features is `gradient` itself; the images' is the head's on
    /// the present rows and 0 elsewhere.
    public func backward(_ gradient: Tensor, cache: Cache) -> (features: Tensor, images: Tensor, parameters: Gradients) {
        let width = inFeatures
        var dImages = [Float](repeating: 0, count: cache.imageShape.reduce(1, *))
        guard let headCache = cache.head else {
            return (gradient, Tensor(shape: cache.imageShape, data: dImages), Gradients(head: head.zeroGradients))
        }
        let (dx, parameters) = head.backward(Self.gather(gradient, rows: cache.rows), cache: headCache)
        for (k, r) in cache.rows.enumerated() {
            for j in 0..<width { dImages[r * width + j] = dx.data[k * width + j] }
        }
        return (gradient, Tensor(shape: cache.imageShape, data: dImages), Gradients(head: parameters))
    }

    private func check(_ features: Tensor, _ images: Tensor, _ present: [Bool]) {
        precondition(features.shape == [present.count, outFeatures] && images.shape == [present.count, inFeatures],
                     "image fusion of features \(features.shape) and images \(images.shape) for \(present.count) rows")
    }

    static func gather(_ x: Tensor, rows: [Int]) -> Tensor {
        let width = x.shape[1]
        return Tensor(shape: [rows.count, width], data: rows.flatMap { x.data[($0 * width)..<($0 * width + width)] })
    }

    static func scatterAdd(_ values: Tensor, rows: [Int], onto base: Tensor) -> Tensor {
        let width = base.shape[1]
        var out = base
        for (k, r) in rows.enumerated() {
            for j in 0..<width { out.data[r * width + j] += values.data[k * width + j] }
        }
        return out
    }
}

extension ProjectionHead {
    /// Zero gradients of this head's shape: what a batch without any input to it contributes.
    var zeroGradients: Gradients {
        func zeros(_ t: Tensor) -> Tensor { Tensor(shape: t.shape) }
        return Gradients(fc1: Linear.Gradients(weight: zeros(fc1.weight), bias: zeros(fc1.bias)),
                         norm: LayerNorm.Gradients(weight: zeros(norm.weight), bias: zeros(norm.bias)),
                         fc2: Linear.Gradients(weight: zeros(fc2.weight), bias: zeros(fc2.bias)))
    }
}
