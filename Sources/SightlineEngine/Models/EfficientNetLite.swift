import Foundation

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
    let stem: Conv2D
    let blocks: [MBConvBlock]
    let head: Conv2D
    let classifier: Linear
    /// The same layers packed for `ChannelsLastAVX512`, present where the CPU has AVX-512.
    let channelsLast: ChannelsLastLite?
    static let batchNormEpsilon: Float = 1e-3

    /// TensorFlow's EfficientNet-Lite input normalisation (x − 127) / 128 per channel
    /// (`efficientnet_lite_builder.py`: MEAN_RGB = 127, STDDEV_RGB = 128).
    public static let mean: Float = 127
    public static let standardDeviation: Float = 128

    /// Loads a legacy `torch.save` state dict strictly and folds batch norms into the convolutions.
    /// `avx512` runs the channels-last kernels; it must only be true where `BLASKernels.avx512` is.
    init(checkpointPath: String, variant: EfficientNetLiteVariant, avx512: Bool) throws {
        var weights = StrictWeights(try TorchCheckpoint.load(path: checkpointPath), path: checkpointPath)
        let eps = Self.batchNormEpsilon
        typealias N = EfficientNetTensorNames
        stem = Conv2D(weight: try weights.take(N.stem, shape: [32, 3, 3, 3]),
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
        head = Conv2D(weight: try weights.take(N.head, shape: [1280, last, 1, 1]),
                      batchNorm: try weights.batchNorm(N.headNorm, channels: 1280, epsilon: eps), stride: 1, depthwise: false, relu6: true)
        classifier = Linear(weight: try weights.take("\(N.classifier).weight", shape: [1000, 1280]),
                            bias: try weights.take("\(N.classifier).bias", shape: [1000]))
        try weights.finish(unused: N.isUnused)
        self.variant = variant
        self.blocks = built
        channelsLast = avx512 ? ChannelsLastLite(stem: stem, blocks: built, head: head) : nil
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

    /// `images` one after another, each using `threads` workers.
    private func run(_ images: [Tensor], threads: Int) -> [ImageEmbedding] {
        if let channelsLast {
            let workspace = ChannelsLastLite.Workspace(model: channelsLast, images: images)
            return images.map { classify(channelsLast.features($0, workspace: workspace, threads: threads), threads: threads) }
        }
        let workspace = Workspace(model: self, images: images, workers: threads)
        return images.map { forward($0, workspace: workspace, threads: threads) }
    }

    private func classify(_ features: [Float], threads: Int) -> ImageEmbedding {
        var logits = [Float](repeating: 0, count: 1000)
        features.withUnsafeBufferPointer { f in
            logits.withUnsafeMutableBufferPointer { l in classifier(f.baseAddress!, rows: 1, into: l.baseAddress!, threads: threads) }
        }
        return ImageEmbedding(features: features, logits: logits)
    }

    private func forward(_ image: Tensor, workspace w: Workspace, threads: Int) -> ImageEmbedding {
        var height = image.shape[1], width = image.shape[2]
        image.data.withUnsafeBufferPointer { input in
            stem(input.baseAddress!, height: height, width: width, into: w.a, scratch: w.scratch, threads: threads)
        }
        (height, width) = stem.outputSize(height: height, width: width)
        var current = w.a, spare = w.b
        for block in blocks {
            var depthwiseInput = UnsafePointer(current)
            var pending: Conv2D?
            if let expand = block.expand {
                expand(current, height: height, width: width, into: spare, scratch: w.scratch, threads: threads, finish: false)
                depthwiseInput = UnsafePointer(spare)
                pending = expand
            }
            let (outH, outW) = block.depthwise.outputSize(height: height, width: width)
            depthwise(block.depthwise, depthwiseInput, height: height, width: width, pending: pending,
                      into: w.c, workspace: w, threads: threads)
            block.project(w.c, height: outH, width: outW, into: spare, scratch: w.scratch, threads: threads,
                          residual: block.residual ? current : nil)
            swap(&current, &spare)
            (height, width) = (outH, outW)
        }
        head(current, height: height, width: width, into: spare, scratch: w.scratch, threads: threads)
        let spatial = height * width
        var features = [Float](repeating: 0, count: 1280)
        for c in 0..<1280 {
            var sum: Float = 0
            for i in 0..<spatial { sum += spare[c * spatial + i] }
            features[c] = sum / Float(spatial)
        }
        return classify(features, threads: threads)
    }

    private func depthwise(_ conv: Conv2D, _ input: UnsafePointer<Float>, height: Int, width: Int, pending: Conv2D?,
                           into output: UnsafeMutablePointer<Float>, workspace w: Workspace, threads: Int) {
        guard threads > 1 else {
            conv(input, height: height, width: width, into: output, scratch: w.scratch, pending: pending)
            return
        }
        let source = SendablePointer(UnsafeMutablePointer(mutating: input))
        let target = SendablePointer(output)
        let scratch = SendablePointer(w.scratch)
        let perWorker = w.scratchCount / threads
        Parallel.chunks(conv.outChannels, threads: threads) { start, end in
            let worker = start * threads / conv.outChannels
            conv(source.base, height: height, width: width, into: target.base,
                 scratch: scratch.base + worker * perWorker, channels: start..<end, pending: pending)
        }
    }

    /// Preallocated activation and scratch buffers sized for the largest layer of the given images.
    final class Workspace {
        let a, b, c, scratch: UnsafeMutablePointer<Float>
        let scratchCount: Int

        init(model: EfficientNetLite, images: [Tensor], workers: Int) {
            var activation = 0, scratch = 0
            for image in images {
                var h = image.shape[1], w = image.shape[2]
                scratch = max(scratch, model.stem.scratchCount(height: h, width: w))
                (h, w) = model.stem.outputSize(height: h, width: w)
                activation = max(activation, 32 * h * w)
                for block in model.blocks {
                    activation = max(activation, block.depthwise.outChannels * h * w)
                    scratch = max(scratch, block.depthwise.scratchCount(height: h, width: w))
                    (h, w) = block.depthwise.outputSize(height: h, width: w)
                }
                activation = max(activation, 1280 * h * w)
            }
            scratch *= max(1, workers)
            a = Self.allocate(activation)
            b = Self.allocate(activation)
            c = Self.allocate(activation)
            self.scratch = Self.allocate(max(scratch, 1))
            scratchCount = scratch
        }

        /// Cache-line aligned, so that rows of a multiple of 16 floats are read and written in whole lines.
        private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
            UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
                .bindMemory(to: Float.self, capacity: count)
        }

        deinit {
            for p in [a, b, c, scratch] { p.deallocate() }
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
