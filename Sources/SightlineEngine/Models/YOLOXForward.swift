import Foundation
import SightlineEngineAVX512

/// A channels-last activation: [height × width × stride] floats, of which the first `channels` of each row are used.
struct FeatureMap {
    let data: UnsafeMutablePointer<Float>
    let height: Int
    let width: Int
    let channels: Int
    /// Floats between rows (positions); more than the padded channel count where the map is part of a concatenation.
    let stride: Int

    var positions: Int { height * width }

    /// Channels `offset..<offset + count` of this map, sharing its memory.
    func slice(_ offset: Int, _ count: Int) -> FeatureMap {
        FeatureMap(data: data + offset, height: height, width: width, channels: count, stride: stride)
    }
}

/// Floats handed out in stack order for one forward pass: each module allocates its output, then its temporaries
/// inside `scope`, which releases them when it returns, so that a pass reuses memory that is still in cache.
final class Arena: AlignedBuffers {
    private var top = 0

    init(floats: Int) { super.init(capacity: [floats]) }

    func map(_ height: Int, _ width: Int, channels: Int) -> FeatureMap {
        let stride = ChannelsLastAVX512.padded(channels)
        let count = (height * width * stride + 15) & ~15
        precondition(top + count <= capacity[0], "YOLOX arena of \(capacity[0]) floats is too small")
        defer { top += count }
        return FeatureMap(data: buffers[0] + top, height: height, width: width, channels: channels, stride: stride)
    }

    func scope<T>(_ body: () -> T) -> T {
        let mark = top
        defer { top = mark }
        return body()
    }

    func reset() { top = 0 }

    /// Floats one YOLOX-Nano pass at 416 × 416 needs, with room to spare.
    static let nanoFloats = 6 << 20
}

/// The YOLOX forward pass over channels-last maps, on the AVX-512 kernels where the CPU has them, else on SGEMM
/// and `ChannelsLastPortable`.
struct YOLOXForward {
    let network: YOLOXNetwork
    let arena: Arena
    let threads: Int

    /// The raw head output for a 416 × 416 letterboxed image given as Focus' 12 planes of 208 × 208 (see
    /// `VehicleDetector.focusPlanes`): per anchor, level by level and row by row, 4 box values, objectness and
    /// class scores after their sigmoid: ONNX's [3549 × 85].
    func callAsFunction(focusPlanes: UnsafePointer<Float>, size: Int) -> [Float] {
        arena.reset()
        let fpn = network.fpn, backbone = fpn.backbone
        let half = size / 2
        let stem = arena.map(half, half, channels: backbone.stem.conv.outChannels)
        dense(backbone.stem.conv, focusPlanes, height: half, width: half, into: stem)
        let x2 = stage(backbone.dark2, stem)
        let dark3 = stage(backbone.dark3, x2)
        let dark4 = stage(backbone.dark4, dark3)
        let dark5 = stage(backbone.dark5, dark4)

        let fpnOut0 = conv(fpn.lateralConv0, dark5)
        let fOut0 = arena.map(dark4.height, dark4.width, channels: fpn.c3p4.conv3.outChannels)
        arena.scope {
            let joined = upsampleJoined(fpnOut0, dark4)
            csp(fpn.c3p4, joined, into: fOut0)
        }
        let fpnOut1 = conv(fpn.reduceConv1, fOut0)
        let panOut2 = arena.map(dark3.height, dark3.width, channels: fpn.c3p3.conv3.outChannels)
        arena.scope { csp(fpn.c3p3, upsampleJoined(fpnOut1, dark3), into: panOut2) }
        let panOut1 = arena.map(fpnOut1.height, fpnOut1.width, channels: fpn.c3n3.conv3.outChannels)
        arena.scope { csp(fpn.c3n3, downJoined(fpn.buConv2, panOut2, fpnOut1), into: panOut1) }
        let panOut0 = arena.map(fpnOut0.height, fpnOut0.width, channels: fpn.c3n4.conv3.outChannels)
        arena.scope { csp(fpn.c3n4, downJoined(fpn.buConv1, panOut1, fpnOut0), into: panOut0) }

        let rows = [panOut2, panOut1, panOut0].reduce(0) { $0 + $1.positions }
        let width = 5 + network.classes
        var output = [Float](repeating: 0, count: rows * width)
        output.withUnsafeMutableBufferPointer { out in
            var first = 0
            for (level, features) in zip(network.head, [panOut2, panOut1, panOut0]) {
                arena.scope { head(level, features, into: out.baseAddress! + first * width) }
                first += features.positions
            }
        }
        return output
    }

    private func stage(_ stage: DarkStage, _ input: FeatureMap) -> FeatureMap {
        let size = stage.downsample.dconv.outputSize(input.height)
        let output = arena.map(size, stage.downsample.dconv.outputSize(input.width), channels: stage.csp.conv3.outChannels)
        arena.scope {
            var x = dw(stage.downsample, input)
            if let spp = stage.spp { x = self.spp(spp, x) }
            csp(stage.csp, x, into: output)
        }
        return output
    }

    /// [upsample(top) | lateral], the input of a top-down CSP layer.
    private func upsampleJoined(_ top: FeatureMap, _ lateral: FeatureMap) -> FeatureMap {
        let joined = arena.map(lateral.height, lateral.width, channels: top.channels + lateral.channels)
        for y in 0..<lateral.height {
            for x in 0..<lateral.width {
                let target = joined.data + (y * lateral.width + x) * joined.stride
                target.update(from: top.data + ((y / 2) * top.width + x / 2) * top.stride, count: top.channels)
                (target + top.channels).update(from: lateral.data + (y * lateral.width + x) * lateral.stride,
                                               count: lateral.channels)
            }
        }
        return joined
    }

    /// [down(input) | lateral], the input of a bottom-up CSP layer.
    private func downJoined(_ down: DWConv, _ input: FeatureMap, _ lateral: FeatureMap) -> FeatureMap {
        let joined = arena.map(lateral.height, lateral.width, channels: down.pconv.outChannels + lateral.channels)
        arena.scope { dw(down, input, into: joined.slice(0, down.pconv.outChannels)) }
        for p in 0..<lateral.positions {
            (joined.data + p * joined.stride + down.pconv.outChannels).update(from: lateral.data + p * lateral.stride,
                                                                              count: lateral.channels)
        }
        return joined
    }

    private func csp(_ layer: CSPLayer, _ input: FeatureMap, into output: FeatureMap) {
        let hidden = layer.hidden
        let joined = arena.map(input.height, input.width, channels: 2 * hidden)
        conv(layer.conv2, input, into: joined.slice(hidden, hidden))
        var x = conv(layer.conv1, input)
        for (i, block) in layer.m.enumerated() {
            let target = i == layer.m.count - 1 ? joined.slice(0, hidden) : arena.map(x.height, x.width, channels: hidden)
            let y = conv(block.conv1, x)
            let d = conv(block.conv2.dconv, y)
            conv(block.conv2.pconv, d, into: target, residual: block.shortcut ? x : nil)
            x = target
        }
        conv(layer.conv3, joined, into: output)
    }

    /// SPP's pools of 5, 9 and 13 as one pool of 5 applied once, twice and three times (YOLOv5's SPPF): with
    /// stride 1 and padding that never wins, windows compose exactly.
    private func spp(_ layer: SPPBottleneck, _ input: FeatureMap) -> FeatureMap {
        let hidden = layer.conv1.outChannels
        let joined = arena.map(input.height, input.width, channels: hidden * (1 + SPPBottleneck.kernels.count))
        conv(layer.conv1, input, into: joined.slice(0, hidden))
        arena.scope {
            let rows = arena.map(input.height, input.width, channels: hidden)
            for i in SPPBottleneck.kernels.indices {
                maxPool5(joined.slice(i * hidden, hidden), scratch: rows, into: joined.slice((i + 1) * hidden, hidden))
            }
        }
        return conv(layer.conv2, joined)
    }

    /// Max pooling over 5 × 5 windows with stride 1, separably: along rows into `scratch`, then down columns.
    private func maxPool5(_ input: FeatureMap, scratch: FeatureMap, into output: FeatureMap) {
        let h = input.height, w = input.width, vectors = input.channels / 16
        precondition(input.channels % 16 == 0, "SPP channels are whole vectors")
        func pool(_ source: FeatureMap, _ target: FeatureMap, along horizontal: Bool) {
            for y in 0..<h {
                for x in 0..<w {
                    let at = horizontal ? x : y, limit = horizontal ? w : h
                    for q in 0..<vectors {
                        var best = SIMD16<Float>(repeating: -.infinity)
                        for j in max(0, at - 2)...min(limit - 1, at + 2) {
                            let p = horizontal ? y * w + j : j * w + x
                            let v = UnsafeRawPointer(source.data + p * source.stride + q * 16).loadUnaligned(as: SIMD16<Float>.self)
                            // not pointwiseMax, whose NaN handling compiles to a scalar loop through the stack
                            best.replace(with: v, where: v .> best)
                        }
                        UnsafeMutableRawPointer(target.data + (y * w + x) * target.stride + q * 16).storeBytes(of: best, as: SIMD16<Float>.self)
                    }
                }
            }
        }
        pool(input, scratch, along: true)
        pool(scratch, output, along: false)
    }

    private func dw(_ layer: DWConv, _ input: FeatureMap) -> FeatureMap {
        let output = arena.map(layer.dconv.outputSize(input.height), layer.dconv.outputSize(input.width),
                               channels: layer.pconv.outChannels)
        arena.scope { dw(layer, input, into: output) }
        return output
    }

    private func dw(_ layer: DWConv, _ input: FeatureMap, into output: FeatureMap) {
        conv(layer.pconv, conv(layer.dconv, input), into: output)
    }

    private func head(_ level: YOLOXHeadLevel, _ input: FeatureMap, into out: UnsafeMutablePointer<Float>) {
        let stem = conv(level.stem, input)
        var cls = stem, reg = stem
        for layer in level.clsConvs { cls = dw(layer, cls) }
        for layer in level.regConvs { reg = dw(layer, reg) }
        let classes = conv(level.clsPred, cls)
        let box = conv(level.regObjPred, reg)
        let width = 5 + network.classes, whole = network.classes / 16 * 16
        for p in 0..<input.positions {
            let row = out + p * width, b = box.data + p * box.stride, c = classes.data + p * classes.stride
            for i in 0..<4 { row[i] = b[i] }
            row[4] = sigmoid(b[4])
            for j in stride(from: 0, to: whole, by: 16) {
                let v = UnsafeRawPointer(c + j).loadUnaligned(as: SIMD16<Float>.self)
                UnsafeMutableRawPointer(row + 5 + j).storeBytes(of: 1 / (1 + VectorMath.exp(-v)), as: SIMD16<Float>.self)
            }
            for j in whole..<network.classes { row[5 + j] = sigmoid(c[j]) }
        }
    }

    private func sigmoid(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }

    /// `layer` applied to `input` into a new map.
    @discardableResult
    private func conv(_ layer: YOLOXConv, _ input: FeatureMap) -> FeatureMap {
        let output = arena.map(layer.outputSize(input.height), layer.outputSize(input.width), channels: layer.outChannels)
        conv(layer, input, into: output)
        return output
    }

    private func conv(_ layer: YOLOXConv, _ input: FeatureMap, into output: FeatureMap, residual: FeatureMap? = nil) {
        if layer.depthwise {
            depthwise(layer, input, into: output)
        } else {
            precondition(layer.kernel == 1 && layer.stride == 1, "YOLOX's dense k×k convolution is the Focus stem")
            pointwise(layer, input, into: output, residual: residual)
        }
    }

    private func split(_ count: Int, _ body: @escaping @Sendable (Range<Int>) -> Void) {
        if threads <= 1 || count < 2 {
            body(0..<count)
        } else {
            Parallel.chunks(count, threads: threads) { start, end in body(start..<end) }
        }
    }

    private func pointwise(_ layer: YOLOXConv, _ input: FeatureMap, into output: FeatureMap, residual: FeatureMap?) {
        let call = LayerCall(layer: layer, input: input, output: output, residual: residual)
        if network.avx512 {
            let tile = ChannelsLastAVX512.tileRows, m = input.positions
            split((m + tile - 1) / tile) { call.pointwiseAVX512(rows: $0.lowerBound * tile..<min(m, $0.upperBound * tile)) }
        } else {
            let m = input.positions
            split((m + 63) / 64) { call.pointwisePortable(rows: $0.lowerBound * 64..<min(m, $0.upperBound * 64)) }
        }
    }

    private func depthwise(_ layer: YOLOXConv, _ input: FeatureMap, into output: FeatureMap) {
        let call = LayerCall(layer: layer, input: input, output: output, residual: nil)
        if network.avx512 {
            split(output.height) { call.depthwiseAVX512(rows: $0) }
        } else {
            split(output.height) { call.depthwisePortable(rows: $0) }
        }
    }

    /// The Focus stem: a dense k×k convolution over 12 planes of `height × width` into a channels-last map.
    private func dense(_ layer: YOLOXConv, _ planes: UnsafePointer<Float>, height: Int, width: Int, into output: FeatureMap) {
        let input = FeatureMap(data: UnsafeMutablePointer(mutating: planes), height: height, width: width,
                               channels: layer.inChannels, stride: 0)
        let call = LayerCall(layer: layer, input: input, output: output, residual: nil)
        if network.avx512 {
            split(output.height) { call.denseAVX512(rows: $0) }
        } else {
            split(output.height) { call.densePortable(rows: $0) }
        }
    }
}

/// One layer's call on given maps, shared with the workers that compute disjoint output rows of it.
struct LayerCall: @unchecked Sendable {
    let layer: YOLOXConv
    let input: FeatureMap
    let output: FeatureMap
    let residual: FeatureMap?

    /// `body` with the layer's packed weights and padded bias, the layouts both kernel sets read.
    @inline(__always)
    private func withPacked(_ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Void) {
        layer.packed.withUnsafeBufferPointer { w in
            layer.paddedBias.withUnsafeBufferPointer { b in body(w.baseAddress!, b.baseAddress!) }
        }
    }

    func pointwiseAVX512(rows: Range<Int>) {
        withPacked { w, b in
            let np = layer.paddedOut
            ChannelsLastAVX512.pointwise(input: input.data, k: layer.inChannels, weight: w, np: np,
                                         bias: b, residual: residual.map { UnsafePointer($0.data) },
                                         relu6: false, silu: layer.silu, inputStride: input.stride,
                                         outputStride: output.stride, residualStride: residual?.stride,
                                         output: output.data, rows: rows,
                                         blocks: 0..<(np + ChannelsLastAVX512.blockChannels - 1) / ChannelsLastAVX512.blockChannels)
        }
    }

    func depthwiseAVX512(rows: Range<Int>) {
        withPacked { w, b in
            let cp = layer.paddedOut
            precondition(input.stride == cp && output.stride == cp, "depthwise maps are not concatenation parts")
            ChannelsLastAVX512.depthwise(input: input.data, height: input.height, width: input.width, cp: cp,
                                         weight: w, bias: b, kernel: layer.kernel,
                                         stride: layer.stride, padTop: layer.padding, padLeft: layer.padding,
                                         relu6: false, silu: layer.silu, output: output.data, outWidth: output.width,
                                         rows: rows, blocks: 0..<(cp + ChannelsLastAVX512.blockChannels - 1) / ChannelsLastAVX512.blockChannels)
        }
    }

    func denseAVX512(rows: Range<Int>) {
        withPacked { w, b in
            ChannelsLastAVX512.dense(input: input.data, height: input.height, width: input.width, cin: layer.inChannels,
                                     weight: w, cp: layer.paddedOut, bias: b,
                                     kernel: layer.kernel, stride: layer.stride, padTop: layer.padding,
                                     padLeft: layer.padding, relu6: false, silu: layer.silu, output: output.data,
                                     outWidth: output.width, rows: rows)
        }
    }

    func pointwisePortable(rows: Range<Int>) {
        withPacked { w, b in
            let np = layer.paddedOut
            BLAS.gemmTransposedB(m: rows.count, n: np, k: layer.inChannels, a: input.data + rows.lowerBound * input.stride,
                                 lda: input.stride, b: w, ldb: layer.inChannels, c: output.data + rows.lowerBound * output.stride,
                                 ldc: output.stride)
            ChannelsLastPortable.finishPointwise(output: output.data, outputStride: output.stride, cp: np, bias: b,
                                                 silu: layer.silu, residual: residual.map { UnsafePointer($0.data) },
                                                 residualStride: residual?.stride ?? 0, rows: rows)
        }
    }

    func depthwisePortable(rows: Range<Int>) {
        withPacked { w, b in
            let cp = layer.paddedOut
            precondition(input.stride == cp && output.stride == cp, "depthwise maps are not concatenation parts")
            ChannelsLastPortable.depthwise(input: input.data, height: input.height, width: input.width, cp: cp,
                                           weight: w, bias: b, kernel: layer.kernel,
                                           stride: layer.stride, padding: layer.padding, silu: layer.silu,
                                           output: output.data, outWidth: output.width, rows: rows)
        }
    }

    func densePortable(rows: Range<Int>) {
        withPacked { w, b in
            ChannelsLastPortable.dense(input: input.data, height: input.height, width: input.width, cin: layer.inChannels,
                                       weight: w, cp: layer.paddedOut, bias: b,
                                       kernel: layer.kernel, stride: layer.stride, padding: layer.padding,
                                       silu: layer.silu, output: output.data, outWidth: output.width, rows: rows)
        }
    }
}
