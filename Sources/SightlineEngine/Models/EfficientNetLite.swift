import Foundation
import SightlineWeightFiles

/// The MBConv inverted-residual block of MobileNetV2 (Sandler et al., 2018) as used by
/// EfficientNet-Lite: optional 1×1 expansion, depthwise k×k, 1×1 linear projection, identity skip.
struct MBConvBlock: Sendable {
    let expand: Conv2D?
    let depthwise: Conv2D
    let project: Conv2D
    let residual: Bool
}

/// The pooled feature vector and ImageNet-1k logits of one image.
public struct ImageEmbedding: Sendable, Equatable {
    /// Globally average-pooled head activations (1280 values), a general image descriptor.
    public var features: [Float]
    /// Unnormalised scores of the 1000 ImageNet classes.
    public var logits: [Float]
}

/// EfficientNet-Lite0/1/2 (Tan & Le, 2019) inference on batches of preprocessed images.
public struct EfficientNetLite: Sendable {
    public let variant: EfficientNetLiteVariant
    let network: Network
    let classifier: Linear

    /// The convolutional layers in the layout this CPU runs fastest.
    enum Network: Sendable {
        case channelsFirst(ChannelsFirstLite)
        /// Where the CPU has AVX-512.
        case channelsLast(ChannelsLastLite)
    }

    static let batchNormEpsilon: Float = 1e-3

    /// TensorFlow's EfficientNet-Lite input normalisation (x − 127) / 128 per channel
    /// (`efficientnet_lite_builder.py`: MEAN_RGB = 127, STDDEV_RGB = 128).
    public static let mean: Float = 127
    public static let standardDeviation: Float = 128

    /// Loads a legacy `torch.save` state dict strictly and folds batch norms into the convolutions.
    /// `avx512` runs the channels-last kernels; it must only be true where `BLASKernels.avx512` is.
    init(checkpointPath: String, variant: EfficientNetLiteVariant, avx512: Bool) throws {
        var weights = StrictWeights(try TorchCheckpoint.load(path: checkpointPath).mapValues(Tensor.init), path: checkpointPath)
        let eps = Self.batchNormEpsilon
        typealias N = EfficientNetTensorNames
        let stem = Conv2D(weight: try weights.take(N.stem, shape: [32, 3, 3, 3]),
                      batchNorm: try weights.batchNorm(N.stemNorm, channels: 32, epsilon: eps), stride: 2, depthwise: false, relu6: true)
        var built: [MBConvBlock] = []
        for (i, spec) in variant.blocks.enumerated() {
            let p = N.block(i)
            let hidden = spec.input * spec.expansion
            var expand: Conv2D?
            if spec.expansion != 1 {
                expand = Conv2D(weight: try weights.take("\(p).\(N.expand)", shape: [hidden, spec.input, 1, 1]),
                                batchNorm: try weights.batchNorm("\(p).\(N.expandNorm)", channels: hidden, epsilon: eps),
                                stride: 1, depthwise: false, relu6: true)
            }
            let depthwise = Conv2D(weight: try weights.take("\(p).\(N.depthwise)", shape: [hidden, 1, spec.kernel, spec.kernel]),
                                   batchNorm: try weights.batchNorm("\(p).\(N.depthwiseNorm)", channels: hidden, epsilon: eps),
                                   stride: spec.stride, depthwise: true, relu6: true)
            let project = Conv2D(weight: try weights.take("\(p).\(N.project)", shape: [spec.output, hidden, 1, 1]),
                                 batchNorm: try weights.batchNorm("\(p).\(N.projectNorm)", channels: spec.output, epsilon: eps),
                                 stride: 1, depthwise: false)
            built.append(MBConvBlock(expand: expand, depthwise: depthwise, project: project,
                                      residual: spec.stride == 1 && spec.input == spec.output))
        }
        let last = variant.blocks.last?.output ?? 320
        let head = Conv2D(weight: try weights.take(N.head, shape: [1280, last, 1, 1]),
                      batchNorm: try weights.batchNorm(N.headNorm, channels: 1280, epsilon: eps), stride: 1, depthwise: false, relu6: true)
        classifier = Linear(weight: try weights.take("\(N.classifier).weight", shape: [1000, 1280]),
                            bias: try weights.take("\(N.classifier).bias", shape: [1000]))
        try weights.finish(unused: N.isUnused)
        self.variant = variant
        network = avx512 ? .channelsLast(ChannelsLastLite(stem: stem, blocks: built, head: head))
                         : .channelsFirst(ChannelsFirstLite(stem: stem, blocks: built, head: head))
    }

    /// Loads a legacy `torch.save` state dict strictly and folds batch norms into the convolutions.
    public init(checkpointPath: String, variant: EfficientNetLiteVariant) throws {
        try self.init(checkpointPath: checkpointPath, variant: variant, avx512: BLASKernels.avx512)
    }

    /// Converts an interleaved RGB8 image of `inputSize × inputSize` pixels into the normalised [3 × H × W] input.
    public func preprocess(rgb: [UInt8], width: Int, height: Int) -> Tensor {
        let plane = width * height
        var data = [Float](repeating: 0, count: 3 * plane)
        let scale = 1 / Self.standardDeviation
        for i in 0..<min(plane, rgb.count / 3) {
            for c in 0..<3 { data[c * plane + i] = (Float(rgb[3 * i + c]) - Self.mean) * scale }
        }
        return Tensor(shape: [3, height, width], data: data)
    }

    /// Features and logits of each [3 × H × W] image; batches are split across `threads` workers.
    public func callAsFunction(_ images: [Tensor], threads: ThreadConfig = ThreadConfig()) -> [ImageEmbedding] {
        guard !images.isEmpty else { return [] }
        let workers = min(threads.threads, images.count)
        BLAS.setThreads(1)
        if workers <= 1 || images.count < threads.threads {
            return run(images, threads: threads.threads)
        }
        let results = ResultSlots<ImageEmbedding>(count: images.count)
        Parallel.chunks(images.count, threads: workers) { start, end in
            for (offset, embedding) in run(Array(images[start..<end]), threads: 1).enumerated() {
                results.set(start + offset, embedding)
            }
        }
        return results.values
    }

    /// `images` one after another, each using `threads` workers, then the classifier over all of them at once.
    private func run(_ images: [Tensor], threads: Int) -> [ImageEmbedding] {
        let features: [[Float]]
        switch network {
        case .channelsLast(let network):
            let needed = ChannelsLastLite.Workspace.capacity(model: network, images: images)
            let workspace = network.workspaces.take(where: { $0.holds(needed) }, else: { .init(capacity: needed) })
            features = images.map { network.features($0, workspace: workspace, threads: threads) }
            network.workspaces.put(workspace)
        case .channelsFirst(let network):
            let needed = ChannelsFirstLite.Workspace.capacity(model: network, images: images, workers: threads)
            let workspace = network.workspaces.take(where: { $0.holds(needed) }, else: { .init(capacity: needed) })
            features = images.map { network.features($0, workspace: workspace, threads: threads) }
            network.workspaces.put(workspace)
        }
        let width = classifier.outFeatures
        var logits = [Float](repeating: 0, count: images.count * width)
        features.flatMap { $0 }.withUnsafeBufferPointer { f in
            logits.withUnsafeMutableBufferPointer { l in
                classifier(f.baseAddress!, rows: images.count, into: l.baseAddress!, threads: threads)
            }
        }
        return features.enumerated().map { i, f in
            ImageEmbedding(features: f, logits: Array(logits[i * width..<(i + 1) * width]))
        }
    }
}

/// Slots that parallel workers fill at distinct indices.
final class ResultSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock(); storage[index] = value; lock.unlock()
    }

    var values: [Value] { storage.compactMap { $0 } }
}

extension EfficientNetLite {
    /// Loads `variant` from the weights installed in `store`.
    public init(store: ModelStore = ModelStore(), variant: EfficientNetLiteVariant = .lite0) throws {
        let model: PretrainedModel = switch variant {
        case .lite0: .efficientNetLite0
        case .lite1: .efficientNetLite1
        case .lite2: .efficientNetLite2
        }
        try self.init(checkpointPath: try store.path(model), variant: variant)
    }
}
