/// EfficientNet-Lite's folded layers in PyTorch's channels-first layout: the forward pass on CPUs without AVX-512.
///
/// Activations are [channels × height × width]; 1×1 and dense convolutions run on SGEMM, depthwise ones on
/// `Conv2D`'s direct kernel, with the expansion's bias and ReLU6 applied as the depthwise convolution reads.
struct ChannelsFirstLite: Sendable {
    let stem: Conv2D
    let blocks: [MBConvBlock]
    let head: Conv2D

    /// The pooled head activations (`head.outChannels` values) of one [3 × H × W] image.
    func features(_ image: Tensor, workspace w: Workspace, threads: Int) -> [Float] {
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
        return features
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

    /// Workspaces kept between calls, one per worker.
    let workspaces = BufferShelf<Workspace>(limit: ProcessInfoCores.active)

    /// Activation and scratch buffers sized for the largest layer of some images.
    final class Workspace: AlignedBuffers {
        var a: UnsafeMutablePointer<Float> { buffers[0] }
        var b: UnsafeMutablePointer<Float> { buffers[1] }
        var c: UnsafeMutablePointer<Float> { buffers[2] }
        var scratch: UnsafeMutablePointer<Float> { buffers[3] }
        var scratchCount: Int { capacity[3] }

        /// The floats `a`, `b`, `c` and the scratch (shared by `workers`) need for `images`.
        static func capacity(model: ChannelsFirstLite, images: [Tensor], workers: Int) -> [Int] {
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
            return [activation, activation, activation, max(1, scratch * max(1, workers))]
        }
    }
}
