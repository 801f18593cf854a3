/// TensorFlow "SAME" padding: output = ⌈input / stride⌉, with the odd pixel of padding after.
///
/// EfficientNet-Lite was trained in TensorFlow, so its converted PyTorch weights
/// expect this asymmetric padding rather than PyTorch's symmetric one.
struct SamePadding: Sendable, Equatable {
    let before: Int
    let output: Int

    init(input: Int, kernel: Int, stride: Int) {
        let output = (input + stride - 1) / stride
        let total = max((output - 1) * stride + kernel - input, 0)
        self.before = total / 2
        self.output = output
    }
}

/// A 2-D convolution with batch normalisation folded into its weight and bias (Ioffe & Szegedy, 2015),
/// over one image in [channels × height × width] layout.
///
/// Dense and pointwise convolutions run as im2col + SGEMM; depthwise ones
/// (MobileNet, Howard et al., 2017) run as a direct loop per channel.
struct Conv2D: Sendable {
    let weight: [Float]
    let bias: [Float]
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let depthwise: Bool
    /// Whether ReLU6 is applied to the output in the same pass as the bias.
    let relu6: Bool

    /// Folds `BN(conv(x))` into one convolution: w' = w·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε).
    init(weight: Tensor, batchNorm: BatchNormParameters, stride: Int, depthwise: Bool, relu6: Bool = false) {
        let outChannels = weight.shape[0]
        let perOutput = weight.count / outChannels
        var folded = weight.data
        var bias = [Float](repeating: 0, count: outChannels)
        for o in 0..<outChannels {
            let scale = batchNorm.gamma[o] / (batchNorm.variance[o] + batchNorm.epsilon).squareRoot()
            for i in 0..<perOutput { folded[o * perOutput + i] *= scale }
            bias[o] = batchNorm.beta[o] - batchNorm.mean[o] * scale
        }
        self.weight = folded
        self.bias = bias
        self.outChannels = outChannels
        self.inChannels = depthwise ? outChannels : weight.shape[1]
        self.kernel = weight.shape[2]
        self.stride = stride
        self.depthwise = depthwise
        self.relu6 = relu6
    }

    /// Output height and width for an input of `height × width`.
    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        (SamePadding(input: height, kernel: kernel, stride: stride).output,
         SamePadding(input: width, kernel: kernel, stride: stride).output)
    }

    /// Scratch floats `callAsFunction` needs for an input of `height × width`.
    func scratchCount(height: Int, width: Int) -> Int {
        let out = outputSize(height: height, width: width)
        let padded = (out.height * stride + kernel) * (out.width * stride + kernel + stride) + 16
        if depthwise { return padded }
        if kernel == 1 && stride == 1 { return 0 }
        return inChannels * kernel * kernel * out.height * out.width + padded
    }

    /// Convolves `input` [inChannels × height × width] into `output` [outChannels × oh × ow], adding the folded bias
    /// and, for a dense convolution, `residual` (an identity skip of the output's shape).
    ///
    /// A dense convolution with `finish` false leaves out the bias and ReLU6, for a depthwise consumer
    /// to apply as it reads (`pending`): that saves a pass over the largest activations of an MBConv block.
    func callAsFunction(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        into output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        channels: Range<Int>? = nil, threads: Int = 1, finish: Bool = true, pending: Conv2D? = nil,
        residual: UnsafePointer<Float>? = nil
    ) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                if depthwise {
                    depthwiseConvolution(input, height: height, width: width, weight: w.baseAddress!, bias: b.baseAddress!,
                                         output: output, padded: scratch, channels: channels ?? 0..<outChannels, pending: pending)
                } else {
                    denseConvolution(input, height: height, width: width, weight: w.baseAddress!, bias: b.baseAddress!,
                                     output: output, columns: scratch, threads: threads, finish: finish, residual: residual)
                }
            }
        }
    }

    /// The bias and clamp range of this convolution's output channel `channel`.
    func activation(channel: Int) -> BiasActivation {
        BiasActivation(bias: bias[channel], relu6: relu6)
    }

    private func denseConvolution(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>, threads: Int, finish: Bool,
        residual: UnsafePointer<Float>?
    ) {
        let padY = SamePadding(input: height, kernel: kernel, stride: stride)
        let padX = SamePadding(input: width, kernel: kernel, stride: stride)
        let outH = padY.output, outW = padX.output
        let spatial = outH * outW
        let patch = inChannels * kernel * kernel
        var source = input
        if !(kernel == 1 && stride == 1) {
            let phases = PhasePlanes(padY: padY, padX: padX, kernel: kernel, stride: stride)
            let padded = columns + patch * spatial
            for c in 0..<inChannels {
                fillPhases(input + c * height * width, height: height, width: width, padY: padY, padX: padX,
                           phases: phases, activation: .identity, into: padded)
                for (t, offset) in phases.taps.enumerated() {
                    let row = columns + (c * phases.taps.count + t) * spatial
                    for oy in 0..<outH {
                        (row + oy * outW).update(from: padded + (offset + oy * stride * phases.width), count: outW)
                    }
                }
            }
            source = UnsafePointer(columns)
        }
        let product = PointwiseProduct(weight: weight, bias: bias, input: source, residual: residual, output: output,
                                       patch: patch, spatial: spatial, finish: finish, relu6: relu6)
        let outChannels = self.outChannels
        if spatial >= 256 {
            let blocks = spatial / 16
            let step = max(16, Self.blockFloats / outChannels / 16 * 16)
            Parallel.chunks(blocks, threads: threads) { start, end in
                var first = start * 16
                let last = end == blocks ? spatial : end * 16
                while first < last {
                    let next = min(last, first + step)
                    product(channels: 0..<outChannels, columns: first..<next)
                    first = next
                }
            }
        } else {
            let blocks = max(1, outChannels / 8)
            Parallel.chunks(blocks, threads: threads) { start, end in
                product(channels: start * 8..<(end == blocks ? outChannels : end * 8), columns: 0..<spatial)
            }
        }
    }

    /// Output floats per SGEMM call when columns are split, so that the bias, the product
    /// and the activation pass over a block that stays in L2.
    private static let blockFloats = 1 << 16

    /// Direct depthwise convolution. The zero-padded input plane is stored as `stride` column phases
    /// (column x goes to phase x mod stride) so every tap reads a contiguous run, which vectorises.
    /// `pending` is the unfinished convolution that produced the input, whose bias and ReLU6 are applied on the way in.
    private func depthwiseConvolution(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>, channels: Range<Int>, pending: Conv2D?
    ) {
        let padY = SamePadding(input: height, kernel: kernel, stride: stride)
        let padX = SamePadding(input: width, kernel: kernel, stride: stride)
        let outH = padY.output, outW = padX.output
        let phases = PhasePlanes(padY: padY, padX: padX, kernel: kernel, stride: stride)
        let perRow = (outW + 7) / 8
        var sources = [Int](), targets = [Int]()
        for oy in 0..<outH {
            for x in 0..<perRow {
                sources.append(oy * stride * phases.width + x * 8)
                targets.append(oy * outW + x * 8)
            }
        }
        let k = kernel, plane = outH &* outW
        let whole = targets.prefix { $0 + 8 <= plane }.count
        let clamp = BiasActivation(bias: 0, relu6: relu6)
        phases.taps.withUnsafeBufferPointer { taps in
            sources.withUnsafeBufferPointer { sources in
                targets.withUnsafeBufferPointer { targets in
                    for c in channels {
                        fillPhases(input + (c &* height &* width), height: height, width: width, padY: padY, padX: padX,
                                   phases: phases, activation: pending?.activation(channel: c) ?? .identity, into: padded)
                        depthwisePlane(padded, taps: taps, weight: weight + (c &* k &* k), bias: bias[c],
                                       sources: sources, targets: targets, whole: whole, rowWidth: outW, clamp: clamp,
                                       into: output + (c &* plane))
                    }
                }
            }
        }
    }

    /// Writes one input plane, zero-padded, as column phases, passing each value through `activation`.
    /// Only the padding is zeroed; everything else is overwritten.
    private func fillPhases(
        _ plane: UnsafePointer<Float>, height: Int, width: Int, padY: SamePadding, padX: SamePadding,
        phases: PhasePlanes, activation: BiasActivation, into padded: UnsafeMutablePointer<Float>
    ) {
        let s = stride, before = padX.before, phaseW = phases.width
        let rows = min(height, phases.height &- padY.before)
        let below = (padY.before &+ rows) &* phaseW
        for phase in 0..<s {
            let target = padded + phase &* phases.size
            let first = min(phaseW, (before &- phase &+ s &- 1) / s)
            let last = max(first, min(phaseW, (before &+ width &- 1 &- phase) / s &+ 1))
            target.initialize(repeating: 0, count: padY.before &* phaseW)
            (target + below).initialize(repeating: 0, count: phases.size &- below)
            for y in 0..<rows {
                let row = target + (y &+ padY.before) &* phaseW
                zeroPadding(row, count: first)
                zeroPadding(row + last, count: phaseW &- last)
                let source = plane + (y &* width &+ phase &- before)
                var column = first
                if s == 1 {
                    while column &+ 8 <= last {
                        let v = UnsafeRawPointer(source + column).loadUnaligned(as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(row + column).storeBytes(of: activation(v), as: SIMD8<Float>.self)
                        column &+= 8
                    }
                } else if s == 2 {
                    while column &+ 8 <= last && 2 &* column &+ phase &- before &+ 16 <= width {
                        let v = UnsafeRawPointer(source + 2 &* column).loadUnaligned(as: SIMD16<Float>.self)
                        UnsafeMutableRawPointer(row + column).storeBytes(of: activation(v.evenHalf), as: SIMD8<Float>.self)
                        column &+= 8
                    }
                }
                while column < last {
                    row[column] = activation(source[s &* column])
                    column &+= 1
                }
            }
        }
    }

    /// Zeroes `count` values at `start`; a short run is one eight-wide store, whose excess the caller
    /// overwrites afterwards or leaves in slack.
    @inline(__always)
    private func zeroPadding(_ start: UnsafeMutablePointer<Float>, count: Int) {
        if count <= 8 {
            UnsafeMutableRawPointer(start).storeBytes(of: SIMD8<Float>(), as: SIMD8<Float>.self)
        } else {
            start.initialize(repeating: 0, count: count)
        }
    }

    /// One output plane from the phase planes at `padded`, as eight-wide vectors taken row after row
    /// (`sources` and `targets` hold their offsets) and computed four at a time in independent FMA chains.
    /// The first `whole` vectors end inside the plane and are stored whole, what overhangs a row being
    /// overwritten by the rows after it; the rest are stored lane by lane, up to the end of their row.
    private func depthwisePlane(
        _ padded: UnsafeMutablePointer<Float>, taps: UnsafeBufferPointer<Int>, weight w: UnsafePointer<Float>, bias: Float,
        sources: UnsafeBufferPointer<Int>, targets: UnsafeBufferPointer<Int>, whole: Int, rowWidth: Int,
        clamp: BiasActivation, into out: UnsafeMutablePointer<Float>
    ) {
        let count = taps.count, perRow = (rowWidth &+ 7) >> 3
        var v = 0
        while v &+ 4 <= whole {
            let p0 = UnsafeRawPointer(padded + sources[v]), p1 = UnsafeRawPointer(padded + sources[v &+ 1])
            let p2 = UnsafeRawPointer(padded + sources[v &+ 2]), p3 = UnsafeRawPointer(padded + sources[v &+ 3])
            var s0 = SIMD8<Float>(repeating: bias), s1 = s0, s2 = s0, s3 = s0
            for tap in 0..<count {
                let offset = taps[tap] &* 4
                let t = SIMD8<Float>(repeating: w[tap])
                s0 = s0.addingProduct(p0.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), t)
                s1 = s1.addingProduct(p1.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), t)
                s2 = s2.addingProduct(p2.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), t)
                s3 = s3.addingProduct(p3.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), t)
            }
            UnsafeMutableRawPointer(out + targets[v]).storeBytes(of: clamp(s0), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + targets[v &+ 1]).storeBytes(of: clamp(s1), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + targets[v &+ 2]).storeBytes(of: clamp(s2), as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(out + targets[v &+ 3]).storeBytes(of: clamp(s3), as: SIMD8<Float>.self)
            v &+= 4
        }
        while v < sources.count {
            let p = UnsafeRawPointer(padded + sources[v])
            var even = SIMD8<Float>(repeating: bias), odd = SIMD8<Float>()
            var tap = 0
            while tap &+ 1 < count {
                even = even.addingProduct(p.loadUnaligned(fromByteOffset: taps[tap] &* 4, as: SIMD8<Float>.self),
                                          SIMD8(repeating: w[tap]))
                odd = odd.addingProduct(p.loadUnaligned(fromByteOffset: taps[tap &+ 1] &* 4, as: SIMD8<Float>.self),
                                        SIMD8(repeating: w[tap &+ 1]))
                tap &+= 2
            }
            if tap < count {
                even = even.addingProduct(p.loadUnaligned(fromByteOffset: taps[tap] &* 4, as: SIMD8<Float>.self),
                                          SIMD8(repeating: w[tap]))
            }
            let result = clamp(even + odd)
            let target = out + targets[v]
            if v < whole {
                UnsafeMutableRawPointer(target).storeBytes(of: result, as: SIMD8<Float>.self)
            } else {
                for i in 0..<min(8, rowWidth &- (v % perRow) &* 8) { target[i] = result[i] }
            }
            v &+= 1
        }
    }
}

/// One block of a convolution as a matrix product, output = W · input (+ bias + residual, then ReLU6 when finished).
///
/// The bias and residual are written first and SGEMM accumulates onto them, which spares
/// OpenBLAS's own pass zeroing the output.
struct PointwiseProduct: @unchecked Sendable {
    let weight: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let input: UnsafePointer<Float>
    let residual: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let patch: Int
    let spatial: Int
    let finish: Bool
    let relu6: Bool

    /// Computes rows `channels`, columns `columns` of the [outChannels × spatial] output.
    func callAsFunction(channels: Range<Int>, columns: Range<Int>) {
        let n = columns.count
        if finish {
            for o in channels {
                let row = output + (o * spatial + columns.lowerBound)
                if let residual {
                    let skip = residual + (o * spatial + columns.lowerBound)
                    for i in 0..<n { row[i] = skip[i] + bias[o] }
                } else {
                    row.initialize(repeating: bias[o], count: n)
                }
            }
        }
        // [channels × patch] · [patch × columns] -> [channels × columns] of [outChannels × spatial]
        BLAS.gemm(m: channels.count, n: n, k: patch, a: weight + channels.lowerBound * patch, lda: patch,
                  b: input + columns.lowerBound, ldb: spatial,
                  c: output + (channels.lowerBound * spatial + columns.lowerBound), ldc: spatial, accumulate: finish)
        guard finish && relu6 else { return }
        for o in channels {
            let row = output + (o * spatial + columns.lowerBound)
            for i in 0..<n { row[i] = min(max(row[i], 0), 6) }
        }
    }
}

/// Layout of a zero-padded input plane split into `stride` column phases, and the offset of each
/// k×k tap within it, so that tap (ky, kx) of output row 0 starts at `taps[ky·k + kx]`.
struct PhasePlanes {
    let height: Int
    let width: Int
    let size: Int
    let taps: [Int]

    init(padY: SamePadding, padX: SamePadding, kernel k: Int, stride s: Int) {
        height = (padY.output - 1) * s + k
        width = ((padX.output - 1) * s + k + s - 1) / s
        size = height * width
        var taps = [Int](repeating: 0, count: k * k)
        for ky in 0..<k {
            for kx in 0..<k { taps[ky * k + kx] = (kx % s) * size + ky * width + kx / s }
        }
        self.taps = taps
    }
}

/// x ↦ min(max(x + bias, lower), upper): a folded bias followed by ReLU6 or by no activation.
struct BiasActivation {
    let bias: Float
    let lower: Float
    let upper: Float

    init(bias: Float, relu6: Bool) {
        self.bias = bias
        lower = relu6 ? 0 : -.infinity
        upper = relu6 ? 6 : .infinity
    }

    static let identity = BiasActivation(bias: 0, relu6: false)

    @inline(__always)
    func callAsFunction(_ x: Float) -> Float { min(max(x + bias, lower), upper) }

    @inline(__always)
    func callAsFunction(_ x: SIMD8<Float>) -> SIMD8<Float> {
        var y = x + bias
        y.replace(with: lower, where: y .< lower)
        y.replace(with: upper, where: y .> upper)
        return y
    }
}

/// Batch-normalisation statistics and affine parameters of one layer, in inference form.
struct BatchNormParameters: Sendable {
    let gamma: [Float]
    let beta: [Float]
    let mean: [Float]
    let variance: [Float]
    let epsilon: Float
}
