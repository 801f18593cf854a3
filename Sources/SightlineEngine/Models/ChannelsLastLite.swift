import SightlineEngineAVX512

/// EfficientNet-Lite's folded layers repacked for `ChannelsLastAVX512`: the forward pass on AVX-512 CPUs.
///
/// Activations are [height × width × padded channels]. Each layer finishes its own output (bias, ReLU6,
/// residual) in registers as it stores, so every activation is written once and read once per consumer.
struct ChannelsLastLite: Sendable {
    /// One convolution's packed weights and zero-padded bias.
    struct Layer: Sendable {
        let weight: [Float]
        let bias: [Float]
        let inChannels: Int
        let outChannels: Int
        let kernel: Int
        let stride: Int
        let relu6: Bool

        init(_ conv: Conv2D) {
            weight = conv.weight.withUnsafeBufferPointer { w in
                if conv.depthwise {
                    return ChannelsLastAVX512.packDepthwise(w.baseAddress!, channels: conv.outChannels, kernel: conv.kernel)
                }
                if conv.kernel == 1 && conv.stride == 1 {
                    return ChannelsLastAVX512.packPointwise(w.baseAddress!, n: conv.outChannels, k: conv.inChannels)
                }
                return ChannelsLastAVX512.packDense(w.baseAddress!, out: conv.outChannels, in: conv.inChannels, kernel: conv.kernel)
            }
            bias = ChannelsLastAVX512.padBias(conv.bias)
            inChannels = conv.inChannels
            outChannels = conv.outChannels
            kernel = conv.kernel
            stride = conv.stride
            relu6 = conv.relu6
        }

        var paddedOut: Int { ChannelsLastAVX512.padded(outChannels) }

        /// 64-channel blocks of the output.
        var blocks: Int { (paddedOut + ChannelsLastAVX512.blockChannels - 1) / ChannelsLastAVX512.blockChannels }

        func padding(height: Int, width: Int) -> (y: SamePadding, x: SamePadding) {
            (SamePadding(input: height, kernel: kernel, stride: stride), SamePadding(input: width, kernel: kernel, stride: stride))
        }
    }

    struct Block: Sendable {
        let expand: Layer?
        let depthwise: Layer
        let project: Layer
        let residual: Bool
    }

    let stem: Layer
    let blocks: [Block]
    let head: Layer

    init(stem: Conv2D, blocks: [MBConvBlock], head: Conv2D) {
        self.stem = Layer(stem)
        self.blocks = blocks.map { Block(expand: $0.expand.map(Layer.init), depthwise: Layer($0.depthwise),
                                         project: Layer($0.project), residual: $0.residual) }
        self.head = Layer(head)
    }

    /// The pooled head activations (`head.outChannels` values) of one [3 × H × W] image.
    func features(_ image: Tensor, workspace w: Workspace, threads: Int) -> [Float] {
        var height = image.shape[1], width = image.shape[2]
        (height, width) = image.data.withUnsafeBufferPointer { pixels in
            dense(stem, pixels.baseAddress!, height: height, width: width, into: w.a, threads: threads)
        }
        var current = w.a, next = w.d
        for block in blocks {
            (height, width) = run(block, current, height: height, width: width, into: next, workspace: w, threads: threads)
            swap(&current, &next)
        }
        let rows = height * width, np = head.paddedOut
        pointwise(head, current, rows: rows, into: w.b, residual: nil, threads: threads)
        var features = [Float](repeating: 0, count: head.outChannels)
        for r in 0..<rows {
            let row = w.b + r * np
            for c in 0..<head.outChannels { features[c] += row[c] }
        }
        let scale = 1 / Float(rows)
        return features.map { $0 * scale }
    }

    /// One MBConv block from `input` into `output`, through the expansion in `w.b` and the depthwise output in `w.c`.
    ///
    /// Where the expanded activation is larger than L2, the block runs in bands of output rows (expand the input
    /// rows the band needs, depthwise the band, project it), so that each step reads what the one before wrote
    /// while it is still in cache rather than from memory. Where the depthwise layer and the projection both split
    /// by rows, they share one parallel region: each worker projects the rows it has just computed, with no
    /// barrier between the two.
    private func run(_ block: Block, _ input: UnsafeMutablePointer<Float>, height: Int, width: Int,
                     into output: UnsafeMutablePointer<Float>, workspace w: Workspace, threads: Int) -> (Int, Int) {
        let dw = block.depthwise, project = block.project
        let (padY, padX) = dw.padding(height: height, width: width)
        let outW = padX.output, hiddenRow = width * dw.paddedOut
        let geometry = Geometry(height: height, width: width, padY: padY, padX: padX)
        let band = Self.bandFloats * threads
        let banded = block.expand != nil && height * hiddenRow > 2 * band
        let bandRows = banded ? max(1, band / (hiddenRow * dw.stride)) : padY.output
        var expanded = 0
        for first in stride(from: 0, to: padY.output, by: bandRows) {
            let last = min(padY.output, first + bandRows)
            var source = input
            if let expand = block.expand {
                let needed = min(height, (last - 1) * dw.stride - padY.before + dw.kernel)
                if needed > expanded {
                    pointwise(expand, input + expanded * width * ChannelsLastAVX512.padded(expand.inChannels),
                              rows: (needed - expanded) * width, into: w.b + expanded * hiddenRow, residual: nil, threads: threads)
                    expanded = needed
                }
                source = w.b
            }
            let rows = first..<last
            let residual = block.residual ? input : nil
            if depthwiseSplitsRows(dw, geometry, rows: rows, threads: threads)
                && !Self.splitsChannels(positions: rows.count * outW, blocks: project.blocks, threads: threads) {
                let depthwise = Operands(layer: dw, input: source, output: w.c, residual: nil)
                let projection = Operands(layer: project, input: w.c, output: output, residual: residual)
                let step = max(1, Self.depthwiseBandFloats / (outW * dw.paddedOut))
                split(rows.count, threads: threads) { part in
                    for start in stride(from: first + part.lowerBound, to: first + part.upperBound, by: step) {
                        let mine = start..<min(first + part.upperBound, start + step)
                        depthwise.depthwise(geometry, rows: mine, blocks: 0..<dw.blocks)
                        projection.pointwise(rows: mine.lowerBound * outW..<mine.upperBound * outW, blocks: 0..<project.blocks)
                    }
                }
            } else {
                depthwise(dw, source, geometry, rows: rows, into: w.c, threads: threads)
                let offset = first * outW * project.paddedOut
                pointwise(project, w.c + first * outW * dw.paddedOut, rows: rows.count * outW, into: output + offset,
                          residual: residual.map { $0 + offset }, threads: threads)
            }
        }
        return (padY.output, outW)
    }

    /// Floats of expanded activation per band and worker: 512 kB, a quarter of this CPU's L2.
    static let bandFloats = 1 << 17

    /// Floats of depthwise output a worker computes before projecting them: 128 kB, so that the projection
    /// reads them from L2 however large the layer.
    static let depthwiseBandFloats = 1 << 15

    /// Splits `count` units across `threads` workers, or runs them here.
    private func split(_ count: Int, threads: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        if threads <= 1 || count < 2 {
            body(0..<count)
        } else {
            Parallel.chunks(count, threads: threads) { start, end in body(start..<end) }
        }
    }

    private func pointwise(_ layer: Layer, _ x: UnsafeMutablePointer<Float>, rows m: Int,
                           into out: UnsafeMutablePointer<Float>, residual: UnsafeMutablePointer<Float>?, threads: Int) {
        let blocks = layer.blocks
        let tiles = (m + ChannelsLastAVX512.tileRows - 1) / ChannelsLastAVX512.tileRows
        let call = Operands(layer: layer, input: x, output: out, residual: residual)
        if Self.splitsChannels(positions: m, blocks: blocks, threads: threads) {
            split(blocks, threads: threads) { call.pointwise(rows: 0..<m, blocks: $0) }
        } else {
            let rows = ChannelsLastAVX512.tileRows
            split(tiles, threads: threads) { call.pointwise(rows: $0.lowerBound * rows..<min(m, $0.upperBound * rows), blocks: 0..<blocks) }
        }
    }

    private func depthwise(_ layer: Layer, _ x: UnsafeMutablePointer<Float>, _ geometry: Geometry, rows: Range<Int>,
                           into out: UnsafeMutablePointer<Float>, threads: Int) {
        let call = Operands(layer: layer, input: x, output: out, residual: nil)
        if depthwiseSplitsRows(layer, geometry, rows: rows, threads: threads) {
            split(rows.count, threads: threads) {
                call.depthwise(geometry, rows: rows.lowerBound + $0.lowerBound..<rows.lowerBound + $0.upperBound, blocks: 0..<layer.blocks)
            }
        } else {
            split(layer.blocks, threads: threads) { call.depthwise(geometry, rows: rows, blocks: $0) }
        }
    }

    /// Whether a depthwise layer's output rows `rows` are split between workers by rows (else by channel blocks).
    private func depthwiseSplitsRows(_ layer: Layer, _ geometry: Geometry, rows: Range<Int>, threads: Int) -> Bool {
        rows.count >= 2 * threads
            && !Self.splitsChannels(positions: geometry.height * geometry.width, blocks: layer.blocks, threads: threads)
    }

    /// Whether a layer over `positions` positions is split between workers by channel blocks rather than by rows.
    ///
    /// Splitting by rows keeps each worker on its own rows from layer to layer, so that only halo rows pass
    /// between cores. At 224 × 224 only the 7×7 layers split by channels: their few rows would divide
    /// unevenly, and an expansion split by channels feeds a depthwise layer split the same way.
    static func splitsChannels(positions: Int, blocks: Int, threads: Int) -> Bool {
        positions <= 64 && blocks >= 4 * threads
    }

    /// A dense k×k layer (the stem) over a planar [cin × height × width] image, split by output rows.
    private func dense(_ layer: Layer, _ image: UnsafePointer<Float>, height: Int, width: Int,
                       into out: UnsafeMutablePointer<Float>, threads: Int) -> (Int, Int) {
        let (padY, padX) = layer.padding(height: height, width: width)
        let call = Operands(layer: layer, input: UnsafeMutablePointer(mutating: image), output: out, residual: nil)
        let geometry = Geometry(height: height, width: width, padY: padY, padX: padX)
        split(padY.output, threads: threads) { call.dense(geometry, rows: $0) }
        return (padY.output, padX.output)
    }

    /// Input size and padding of a k×k layer.
    struct Geometry {
        let height: Int
        let width: Int
        let padY: SamePadding
        let padX: SamePadding
    }

    /// One layer's call on given activations, shared with the workers that compute disjoint parts of it.
    struct Operands: @unchecked Sendable {
        let layer: Layer
        let input: UnsafeMutablePointer<Float>
        let output: UnsafeMutablePointer<Float>
        let residual: UnsafeMutablePointer<Float>?

        func pointwise(rows: Range<Int>, blocks: Range<Int>) {
            layer.weight.withUnsafeBufferPointer { w in
                layer.bias.withUnsafeBufferPointer { b in
                    ChannelsLastAVX512.pointwise(input: input, k: layer.inChannels, weight: w.baseAddress!, np: layer.paddedOut,
                                                 bias: b.baseAddress!, residual: residual.map { UnsafePointer($0) },
                                                 relu6: layer.relu6, output: output, rows: rows, blocks: blocks)
                }
            }
        }

        func depthwise(_ g: Geometry, rows: Range<Int>, blocks: Range<Int>) {
            layer.weight.withUnsafeBufferPointer { w in
                layer.bias.withUnsafeBufferPointer { b in
                    ChannelsLastAVX512.depthwise(input: input, height: g.height, width: g.width, cp: layer.paddedOut,
                                                 weight: w.baseAddress!, bias: b.baseAddress!, kernel: layer.kernel,
                                                 stride: layer.stride, padTop: g.padY.before, padLeft: g.padX.before,
                                                 relu6: layer.relu6, output: output, outWidth: g.padX.output,
                                                 rows: rows, blocks: blocks)
                }
            }
        }

        func dense(_ g: Geometry, rows: Range<Int>) {
            layer.weight.withUnsafeBufferPointer { w in
                layer.bias.withUnsafeBufferPointer { b in
                    ChannelsLastAVX512.dense(input: input, height: g.height, width: g.width, cin: layer.inChannels,
                                             weight: w.baseAddress!, cp: layer.paddedOut, bias: b.baseAddress!,
                                             kernel: layer.kernel, stride: layer.stride, padTop: g.padY.before,
                                             padLeft: g.padX.before, relu6: layer.relu6, output: output,
                                             outWidth: g.padX.output, rows: rows)
                }
            }
        }
    }

    /// Workspaces kept between calls, one per worker.
    let workspaces = BufferShelf<Workspace>(limit: ProcessInfoCores.active)

    /// Channels-last activations sized for the largest layer of some images: `a` and `d` hold block inputs and
    /// outputs in turn, `b` expansions (and the head's output), `c` depthwise outputs.
    final class Workspace: AlignedBuffers {
        var a: UnsafeMutablePointer<Float> { buffers[0] }
        var b: UnsafeMutablePointer<Float> { buffers[1] }
        var c: UnsafeMutablePointer<Float> { buffers[2] }
        var d: UnsafeMutablePointer<Float> { buffers[3] }

        /// The floats `a`, `b`, `c` and `d` need for `images`.
        static func capacity(model: ChannelsLastLite, images: [Tensor]) -> [Int] {
            var blockIO = 0, expanded = 0, depthwise = 0
            for image in images {
                var h = image.shape[1], w = image.shape[2]
                let (padY, padX) = model.stem.padding(height: h, width: w)
                (h, w) = (padY.output, padX.output)
                blockIO = max(blockIO, h * w * model.stem.paddedOut)
                for block in model.blocks {
                    expanded = max(expanded, h * w * block.depthwise.paddedOut)
                    let (padY, padX) = block.depthwise.padding(height: h, width: w)
                    (h, w) = (padY.output, padX.output)
                    depthwise = max(depthwise, h * w * block.depthwise.paddedOut)
                    blockIO = max(blockIO, h * w * block.project.paddedOut)
                }
                expanded = max(expanded, h * w * model.head.paddedOut)
            }
            return [blockIO, expanded, depthwise, blockIO]
        }
    }
}
