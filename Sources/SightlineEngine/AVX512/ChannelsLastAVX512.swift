import CPrefetch

/// Convolutions over channels-last activations, [height × width × channels] with the channel count padded
/// to a multiple of 16, the layout ONNX Runtime's MLAS converts MobileNet-style networks to.
///
/// Every kernel vectorises over channels: a depthwise tap is one multiply-add of 16 channels, whatever the
/// plane size, a 1×1 convolution is a matrix product [positions × in] · [in × out] whose tile keeps up to
/// 6 positions × 64 channels in 24 zmm accumulators, and the stem multiplies one image pixel at a time into
/// a row of output channels. Padded channels carry zero weights and biases, so they stay zero through
/// every layer. Built for AVX-512 and called only where the engine has seen it.
public enum ChannelsLastAVX512 {
    /// Channels per vector.
    public static let lanes = 16
    /// Output channels per weight block of a 1×1 convolution: four vectors.
    public static let blockChannels = 64
    /// Positions per 1×1 tile.
    public static let tileRows = 6

    /// `channels` rounded up to whole vectors: the stride of a channels-last row.
    @inlinable @inline(always)
    public static func padded(_ channels: Int) -> Int { (channels &+ 15) & ~15 }

    /// A 1×1 weight W [n×k] (out × in, row-major) as blocks of up to 64 output channels, each [k × block width];
    /// channels beyond n are zero.
    public static func packPointwise(_ w: UnsafePointer<Float>, n: Int, k: Int) -> [Float] {
        let np = padded(n)
        var packed = [Float](repeating: 0, count: np * k)
        for first in stride(from: 0, to: np, by: blockChannels) {
            let width = min(blockChannels, np - first)
            for o in first..<min(first + width, n) {
                for i in 0..<k { packed[first * k + i * width + (o - first)] = w[o * k + i] }
            }
        }
        return packed
    }

    /// A dense k×k weight [out × in × k × k] as [k × k × in × padded(out)]: one row of output channels per tap
    /// and input channel, for `dense` (and `ChannelsLastPortable.dense`, whose callers inline it for their CPU).
    @inlinable @inline(always)
    public static func packDense(_ w: UnsafePointer<Float>, out: Int, in cin: Int, kernel k: Int) -> [Float] {
        let cp = padded(out)
        var packed = [Float](repeating: 0, count: k * k * cin * cp)
        for o in 0..<out {
            for i in 0..<cin {
                for tap in 0..<k * k { packed[(tap * cin + i) * cp + o] = w[(o * cin + i) * k * k + tap] }
            }
        }
        return packed
    }

    /// A depthwise weight [channels × k × k] as [k × k × padded(channels)], for `depthwise` (and
    /// `ChannelsLastPortable.depthwise`, whose callers inline it for their CPU).
    @inlinable @inline(always)
    public static func packDepthwise(_ w: UnsafePointer<Float>, channels: Int, kernel k: Int) -> [Float] {
        let cp = padded(channels)
        var packed = [Float](repeating: 0, count: k * k * cp)
        for c in 0..<channels {
            for tap in 0..<k * k { packed[tap * cp + c] = w[c * k * k + tap] }
        }
        return packed
    }

    /// `values` zero-padded to `padded(values.count)`, for biases.
    @inlinable @inline(always)
    public static func padBias(_ values: [Float]) -> [Float] {
        values + [Float](repeating: 0, count: padded(values.count) - values.count)
    }

    /// Rows `rows` of out [m × np] = x [m × padded(k)] · W + bias (then ReLU6 or SiLU, then + residual), over the
    /// 64-channel weight blocks `blocks` of W packed by `packPointwise`; np is the padded output channel count.
    /// `addToOutput` adds the result to what the output holds (a residual connection into it). Rows of the input,
    /// output and residual lie `inputStride`, `outputStride` and `residualStride` floats apart (by default their
    /// padded channel counts), so that a layer can read or write one part of a channel concatenation.
    public static func pointwise(input x: UnsafePointer<Float>, k: Int, weight: UnsafePointer<Float>, np: Int,
                                 bias: UnsafePointer<Float>, residual: UnsafePointer<Float>?, relu6: Bool,
                                 silu: Bool = false, addToOutput: Bool = false,
                                 inputStride: Int? = nil, outputStride: Int? = nil, residualStride: Int? = nil,
                                 output: UnsafeMutablePointer<Float>, rows: Range<Int>, blocks: Range<Int>) {
        let ldx = inputStride ?? padded(k), ldo = outputStride ?? np, ldr = residualStride ?? np
        let activation = Activation(relu6: relu6, silu: silu)
        let chunks = (k &+ depthChunk &- 1) / depthChunk
        let step = max(tileRows, min(512, (1 << 16) / min(k, depthChunk) / tileRows * tileRows))
        var first = rows.lowerBound
        while first < rows.upperBound {
            let last = min(rows.upperBound, first &+ step)
            for block in blocks {
                let c = block &* blockChannels, width = min(blockChannels, np &- c)
                for chunk in 0..<chunks {
                    let k0 = k &* chunk / chunks, k1 = k &* (chunk &+ 1) / chunks
                    let w = weight + (c &* k &+ k0 &* width)
                    var r = first
                    while r < last {
                        let height = tileHeight(last &- r)
                        let t = PointwiseTarget(output: output + (r &* ldo &+ c), ldo: ldo, bias: bias + c,
                                                residual: residual.map { $0 + (r &* ldr &+ c) }, ldr: ldr,
                                                activation: activation,
                                                accumulate: addToOutput || k0 > 0, finish: k1 == k)
                        let source = x + (r &* ldx &+ k0)
                        switch height {
                        case 6: tile(TileRows<6>(), vectors: width >> 4, k: k1 &- k0, x: source, ldx: ldx, w: w, t)
                        case 5: tile(TileRows<5>(), vectors: width >> 4, k: k1 &- k0, x: source, ldx: ldx, w: w, t)
                        case 4: tile(TileRows<4>(), vectors: width >> 4, k: k1 &- k0, x: source, ldx: ldx, w: w, t)
                        case 3: tile(TileRows<3>(), vectors: width >> 4, k: k1 &- k0, x: source, ldx: ldx, w: w, t)
                        case 2: tile(TileRows<2>(), vectors: width >> 4, k: k1 &- k0, x: source, ldx: ldx, w: w, t)
                        default: tile(TileRows<1>(), vectors: width >> 4, k: k1 &- k0, x: source, ldx: ldx, w: w, t)
                        }
                        r &+= height
                    }
                }
            }
            first = last
        }
    }

    /// Rows of the next tile when `remaining` rows are left: as many tiles as six-row tiles would take, with the
    /// rows spread evenly over them (49 rows run as four tiles of 6 and five of 5, not eight of 6 and one of 1).
    @inline(__always)
    static func tileHeight(_ remaining: Int) -> Int {
        let tiles = (remaining &+ tileRows &- 1) / tileRows
        return (remaining &+ tiles &- 1) / tiles
    }

    @inline(__always)
    private static func tile<let rows: Int>(_: TileRows<rows>, vectors: Int, k: Int, x: UnsafePointer<Float>, ldx: Int,
                                           w: UnsafePointer<Float>, _ t: PointwiseTarget) {
        switch vectors {
        case 1: PointwiseTile<rows, 1>.run(k: k, x: x, ldx: ldx, w: w, t)
        case 2: PointwiseTile<rows, 2>.run(k: k, x: x, ldx: ldx, w: w, t)
        case 3: PointwiseTile<rows, 3>.run(k: k, x: x, ldx: ldx, w: w, t)
        default: PointwiseTile<rows, 4>.run(k: k, x: x, ldx: ldx, w: w, t)
        }
    }

    /// Most inputs per pass over a weight block: 128 × 64 channels is 32 kB, which stays in L1 while every
    /// row tile of the block reads it; longer products add their passes in the output.
    static let depthChunk = 128

    /// Output rows `rows` of a depthwise k×k convolution with stride `stride` and `padTop`/`padLeft` zeros before the
    /// input, over channel blocks `blocks` (64 channels each) of a [height × width × cp] input; bias, then ReLU6 when asked.
    public static func depthwise(input: UnsafePointer<Float>, height: Int, width: Int, cp: Int,
                                 weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, kernel k: Int, stride s: Int,
                                 padTop: Int, padLeft: Int, relu6: Bool, silu: Bool = false, output: UnsafeMutablePointer<Float>,
                                 outWidth: Int, rows: Range<Int>, blocks: Range<Int>) {
        let activation = Activation(relu6: relu6, silu: silu)
        let (first, last) = interiorColumns(width: width, outWidth: outWidth, kernel: k, stride: s, padLeft: padLeft)
        let (top, bottom) = interiorColumns(width: height, outWidth: rows.upperBound, kernel: k, stride: s, padLeft: padTop)
        let innerFirst = max(rows.lowerBound, top)
        let inner = innerFirst..<max(innerFirst, bottom)
        for block in blocks {
            let c = block &* blockChannels
            let vectors = min(blockChannels, cp &- c) >> 4
            let point = { (oy: Int, ox: Int, count: Int, down: Bool) -> DepthwisePoint in
                let iy = oy &* s &- padTop, ix = ox &* s &- padLeft
                return DepthwisePoint(input: input + ((iy &* width &+ ix) &* cp &+ c), weight: weight + c,
                                      bias: bias + c, rowStride: width &* cp, tapStride: cp,
                                      step: down ? s &* width &* cp : s &* cp, kernel: k,
                                      ky: max(0, -iy)..<min(k, height &- iy), kx: max(0, -ix)..<min(k, width &- ix),
                                      count: count, activation: activation, output: output + ((oy &* outWidth &+ ox) &* cp &+ c),
                                      outputStep: down ? outWidth &* cp : cp)
            }
            for oy in rows {
                let border = !inner.contains(oy)
                if border { for ox in 0..<first { runPoints(point(oy, ox, 1, false), vectors: vectors) } }
                if first < last { runInterior(point(oy, first, last &- first, false), stride: s, vectors: vectors) }
                if border { for ox in last..<outWidth { runPoints(point(oy, ox, 1, false), vectors: vectors) } }
            }
            // Border columns of rows whose taps are all inside the input, as runs down each column.
            guard !inner.isEmpty else { continue }
            for ox in 0..<first { runPoints(point(inner.lowerBound, ox, inner.count, true), vectors: vectors) }
            for ox in last..<outWidth { runPoints(point(inner.lowerBound, ox, inner.count, true), vectors: vectors) }
        }
    }

    /// `p.count` consecutive depthwise outputs whose taps all lie inside the input: eight at a time from a window
    /// of input vectors held in registers for the common kernels and strides, the rest as `runPoints`.
    private static func runInterior(_ p: DepthwisePoint, stride s: Int, vectors: Int) {
        let done: Int
        switch (p.kernel, s) {
        // Kernels 3 and 5 only: `DepthwiseWindow` spells out their taps.
        case (3, 1): done = DepthwiseWindow<3, 1, 10>.run(p, vectors: vectors)
        case (5, 1): done = DepthwiseWindow<5, 1, 12>.run(p, vectors: vectors)
        case (3, 2): done = DepthwiseWindow<3, 2, 17>.run(p, vectors: vectors)
        case (5, 2): done = DepthwiseWindow<5, 2, 19>.run(p, vectors: vectors)
        default: done = 0
        }
        guard done < p.count else { return }
        runPoints(DepthwisePoint(input: p.input + done &* p.step, weight: p.weight, bias: p.bias, rowStride: p.rowStride,
                                 tapStride: p.tapStride, step: p.step, kernel: p.kernel, ky: p.ky, kx: p.kx,
                                 count: p.count &- done, activation: p.activation, output: p.output + done &* p.outputStep,
                                 outputStep: p.outputStep),
                  vectors: vectors)
    }

    /// `p.count` consecutive depthwise outputs, several at a time when a block has few vectors.
    private static func runPoints(_ p: DepthwisePoint, vectors: Int) {
        switch vectors {
        case 1: DepthwiseTile<8, 1>.run(p)
        case 2: DepthwiseTile<6, 2>.run(p)
        case 3: DepthwiseTile<4, 3>.run(p)
        default: DepthwiseTile<3, 4>.run(p)
        }
    }

    /// Output rows `rows` of a dense k×k convolution with stride `s` and `padTop`/`padLeft` zeros before a planar
    /// [cin × height × width] input (the image), into channels-last [rows × outWidth × cp]: bias, then ReLU6 when
    /// asked. Each tap and input channel is one broadcast input times a row of output channels, so the image is
    /// read as it is, without a transposed copy or a patch matrix.
    public static func dense(input: UnsafePointer<Float>, height: Int, width: Int, cin: Int, weight: UnsafePointer<Float>,
                             cp: Int, bias: UnsafePointer<Float>, kernel k: Int, stride s: Int, padTop: Int, padLeft: Int,
                             relu6: Bool, silu: Bool = false, output: UnsafeMutablePointer<Float>, outWidth: Int, rows: Range<Int>) {
        let activation = Activation(relu6: relu6, silu: silu)
        let (first, last) = interiorColumns(width: width, outWidth: outWidth, kernel: k, stride: s, padLeft: padLeft)
        for c in stride(from: 0, to: cp, by: blockChannels) {
            let vectors = min(blockChannels, cp &- c) >> 4
            for oy in rows {
                let iy = oy &* s &- padTop
                let point = { (ox: Int, count: Int) -> DensePoint in
                    let ix = ox &* s &- padLeft
                    return DensePoint(input: input + (iy &* width &+ ix), plane: height &* width, rowStride: width, step: s,
                                      inChannels: cin, weight: weight + c, cp: cp, kernel: k,
                                      ky: max(0, -iy)..<min(k, height &- iy), kx: max(0, -ix)..<min(k, width &- ix),
                                      count: count, bias: bias + c, activation: activation,
                                      output: output + ((oy &* outWidth &+ ox) &* cp &+ c))
                }
                for ox in 0..<first { runDense(point(ox, 1), vectors: vectors) }
                if first < last { runDense(point(first, last &- first), vectors: vectors) }
                for ox in last..<outWidth { runDense(point(ox, 1), vectors: vectors) }
            }
        }
    }

    /// The outputs `first..<last` along one axis whose k taps all lie inside that axis's `width` inputs: the
    /// interior columns of a row, or (given the height) the interior rows.
    @inlinable @inline(always)
    public static func interiorColumns(width: Int, outWidth: Int, kernel k: Int, stride s: Int, padLeft: Int) -> (Int, Int) {
        let first = min(outWidth, (padLeft &+ s &- 1) / s)
        let span = width &- k &+ padLeft
        return (first, span < 0 ? first : max(first, min(outWidth, span / s &+ 1)))
    }

    private static func runDense(_ p: DensePoint, vectors: Int) {
        switch vectors {
        case 1: DenseTile<8, 1>.run(p)
        case 2: DenseTile<8, 2>.run(p)
        case 3: DenseTile<6, 3>.run(p)
        default: DenseTile<4, 4>.run(p)
        }
    }
}

@inline(__always)
private func load(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
}

/// What a kernel applies to its outputs before storing them.
enum Activation {
    case identity, relu6, silu

    init(relu6: Bool, silu: Bool) {
        self = relu6 ? .relu6 : silu ? .silu : .identity
    }

    @inline(__always)
    func callAsFunction(_ v: SIMD16<Float>) -> SIMD16<Float> {
        switch self {
        case .identity: return v
        case .relu6:
            var y = v
            y.replace(with: 0, where: y .< 0)
            y.replace(with: 6, where: y .> 6)
            return y
        case .silu: return VectorMath.silu(v)
        }
    }
}

/// Vector transcendental functions the kernels' activations need, also called by the engine on CPUs without AVX-512:
/// `@inline(always)`, which unlike `@inline(__always)` the optimiser cannot decline, so that every caller compiles its
/// own copy for its own CPU instead of calling this module's AVX-512 code. The layout helpers the portable kernels
/// share (`padded`, `padBias`, `packDepthwise`, `packDense`, `interiorColumns`) are inlined the same way.
public enum VectorMath {
    /// eˣ to within 2 ulp over [-87, 88] (Cephes' expf): x = n·ln 2 + r with |r| ≤ ln 2 / 2, eʳ by a degree-6
    /// polynomial, 2ⁿ through the exponent bits. Inputs are clamped to [-87, 88] first. Every step is a fused
    /// multiply-add: Swift does not contract `a * b + c`, and the separate rounding doubles the dependent chain that
    /// SiLU pays after every convolution.
    @inlinable @inline(always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        var v = x
        v.replace(with: -87, where: v .< -87)
        v.replace(with: 88, where: v .> 88)
        // Adding 1.5·2²³ rounds v·log2(e) to an integer held in the low mantissa bits.
        let magic = SIMD16<Float>(repeating: 12_582_912)
        let shifted = magic.addingProduct(v, SIMD16(repeating: 1.442_695_04))
        let n = shifted - magic
        var r = v.addingProduct(n, SIMD16(repeating: -0.693_359_375))
        r = r.addingProduct(n, SIMD16(repeating: 2.121_944_4e-4))
        var p = SIMD16<Float>(repeating: 1.398_199_95e-3).addingProduct(SIMD16(repeating: 1.987_569_15e-4), r)
        p = SIMD16<Float>(repeating: 8.333_451_9e-3).addingProduct(p, r)
        p = SIMD16<Float>(repeating: 4.166_579_59e-2).addingProduct(p, r)
        p = SIMD16<Float>(repeating: 0.166_666_655).addingProduct(p, r)
        p = SIMD16<Float>(repeating: 0.500_000_012).addingProduct(p, r)
        p = r.addingProduct(p, r * r) + 1
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
        let scale = unsafeBitCast((bits &+ 127) &<< 23, to: SIMD16<Float>.self)
        return p * scale
    }

    /// SiLU, x·σ(x) = x / (1 + e⁻ˣ): the activation of YOLOX's convolutions.
    @inlinable @inline(always)
    public static func silu(_ x: SIMD16<Float>) -> SIMD16<Float> { x / (1 + VectorMath.exp(-x)) }
}

/// Where a 1×1 tile's rows × 16·vectors block goes.
struct PointwiseTarget {
    let output: UnsafeMutablePointer<Float>
    let ldo: Int
    let bias: UnsafePointer<Float>
    let residual: UnsafePointer<Float>?
    let ldr: Int
    let activation: Activation
    /// Whether the output already holds a partial sum to add to.
    let accumulate: Bool
    /// Whether this is the last pass: add the bias, apply the activation, add the residual.
    let finish: Bool
}

/// A tile height as a type, to pick a `PointwiseTile` specialisation from a runtime count.
struct TileRows<let count: Int> {}

/// `rows` positions × 16·`vectors` output channels of a 1×1 convolution in registers.
struct PointwiseTile<let rows: Int, let vectors: Int> {
    @inline(never)
    static func run(k: Int, x: UnsafePointer<Float>, ldx: Int, w: UnsafePointer<Float>, _ t: PointwiseTarget) {
        var acc = InlineArray<rows, InlineArray<vectors, SIMD16<Float>>>(repeating: .init(repeating: SIMD16()))
        if t.accumulate {
            for r in 0..<rows {
                for q in 0..<vectors { acc[r][q] = load(t.output + (r &* t.ldo &+ q &* 16)) }
            }
        }
        let sources = InlineArray<rows, UnsafePointer<Float>> { x + $0 &* ldx }
        let width = vectors &* 16
        var wp = w
        for i in 0..<k {
            var v = InlineArray<vectors, SIMD16<Float>>(repeating: SIMD16())
            // Weights stream from L3 into the first tile of each pass; fetch them 24 inputs ahead.
            for q in 0..<vectors { sightline_prefetch(wp + (24 &* width &+ q &* 16)) }
            for q in 0..<vectors { v[q] = load(wp + q &* 16) }
            let b = InlineArray<rows, Float> { sources[$0][i] }
            for r in 0..<rows {
                let broadcast = SIMD16<Float>(repeating: b[r])
                for q in 0..<vectors { acc[r][q] = acc[r][q].addingProduct(broadcast, v[q]) }
            }
            wp += width
        }
        for r in 0..<rows {
            for q in 0..<vectors {
                let offset = r &* t.ldo &+ q &* 16
                var y = acc[r][q]
                if t.finish {
                    y = t.activation(y + load(t.bias + q &* 16))
                    if let residual = t.residual { y += load(residual + (r &* t.ldr &+ q &* 16)) }
                }
                store(y, t.output + offset)
            }
        }
    }
}

/// `positions` × 16·`vectors` outputs in registers, starting from the bias and written `step` floats apart per
/// position, through their activation: the start and end of the dense and depthwise tiles.
struct Accumulators<let positions: Int, let vectors: Int> {
    var values: InlineArray<positions, InlineArray<vectors, SIMD16<Float>>>

    @inline(__always)
    init(bias: UnsafePointer<Float>) {
        let row = InlineArray<vectors, SIMD16<Float>> { load(bias + $0 &* 16) }
        values = .init(repeating: row)
    }

    @inline(__always)
    func write(to output: UnsafeMutablePointer<Float>, step: Int, activation: Activation) {
        for j in 0..<positions {
            let target = output + j &* step
            for q in 0..<vectors { store(activation(values[j][q]), target + q &* 16) }
        }
    }
}

/// `count` consecutive output positions of a dense convolution over a planar input, `step` inputs apart: `input`
/// points at channel 0, tap (0, 0) of the first, which may lie in the padding; only taps `ky` × `kx` are inside
/// the input for all of them.
struct DensePoint {
    let input: UnsafePointer<Float>
    let plane: Int
    let rowStride: Int
    let step: Int
    let inChannels: Int
    let weight: UnsafePointer<Float>
    let cp: Int
    let kernel: Int
    let ky: Range<Int>
    let kx: Range<Int>
    let count: Int
    let bias: UnsafePointer<Float>
    let activation: Activation
    let output: UnsafeMutablePointer<Float>
}

/// 16·`vectors` output channels of a dense convolution at `positions` positions at a time, each weight row shared
/// by all of them. A run whose length is not a multiple of `positions` ends with a group that overlaps the one before
/// (the overlapping outputs are computed twice, identically); runs shorter than a group go one position at a time.
struct DenseTile<let positions: Int, let vectors: Int> {
    @inline(never)
    static func run(_ p: DensePoint) {
        if p.count < positions {
            for j in 0..<p.count { DenseTile<1, vectors>.group(p, at: j) }
            return
        }
        var done = 0
        while done < p.count {
            let at = min(done, p.count &- positions)
            group(p, at: at)
            done = at &+ positions
        }
    }

    @inline(__always)
    static func group(_ p: DensePoint, at first: Int) {
        var acc = Accumulators<positions, vectors>(bias: p.bias)
        let base = p.input + first &* p.step
        for y in p.ky {
            for x in p.kx {
                for c in 0..<p.inChannels {
                    let source = base + (c &* p.plane &+ y &* p.rowStride &+ x)
                    let w = p.weight + ((y &* p.kernel &+ x) &* p.inChannels &+ c) &* p.cp
                    let weights = InlineArray<vectors, SIMD16<Float>> { load(w + $0 &* 16) }
                    for j in 0..<positions {
                        let broadcast = SIMD16<Float>(repeating: source[j &* p.step])
                        for q in 0..<vectors { acc.values[j][q] = acc.values[j][q].addingProduct(broadcast, weights[q]) }
                    }
                }
            }
        }
        acc.write(to: p.output + first &* p.cp, step: p.cp, activation: p.activation)
    }
}

/// `count` output positions of a depthwise convolution, `step` input and `outputStep` output floats apart (along a
/// row or down a column): `input` points at tap (0, 0) of the first, which may lie in the padding; only taps
/// `ky` × `kx` are inside the input for all of them.
struct DepthwisePoint {
    let input: UnsafePointer<Float>
    let weight: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let rowStride: Int
    let tapStride: Int
    let step: Int
    let kernel: Int
    let ky: Range<Int>
    let kx: Range<Int>
    let count: Int
    let activation: Activation
    let output: UnsafeMutablePointer<Float>
    let outputStep: Int
}

/// 16·`vectors` channels of depthwise outputs, `positions` positions at a time sharing each weight load.
struct DepthwiseTile<let positions: Int, let vectors: Int> {
    @inline(never)
    static func run(_ p: DepthwisePoint) {
        var done = 0
        while done &+ positions <= p.count {
            var acc = Accumulators<positions, vectors>(bias: p.bias)
            let base = p.input + done &* p.step
            for y in p.ky {
                let row = base + y &* p.rowStride, taps = p.weight + y &* p.kernel &* p.tapStride
                for x in p.kx {
                    let source = row + x &* p.tapStride, w = taps + x &* p.tapStride
                    for q in 0..<vectors {
                        let wq = load(w + q &* 16)
                        for j in 0..<positions {
                            acc.values[j][q] = acc.values[j][q].addingProduct(load(source + (j &* p.step &+ q &* 16)), wq)
                        }
                    }
                }
            }
            acc.write(to: p.output + done &* p.outputStep, step: p.outputStep, activation: p.activation)
            done &+= positions
        }
        if done < p.count {
            let rest = DepthwisePoint(input: p.input + done &* p.step, weight: p.weight, bias: p.bias, rowStride: p.rowStride,
                                      tapStride: p.tapStride, step: p.step, kernel: p.kernel, ky: p.ky, kx: p.kx,
                                      count: p.count &- done, activation: p.activation, output: p.output + done &* p.outputStep,
                                      outputStep: p.outputStep)
            DepthwiseTile<1, vectors>.run(rest)
        }
    }
}

/// Eight consecutive interior outputs of a k×k depthwise convolution with stride s, one vector of 16 channels at a
/// time: each input row's `span` = 7·s + k vectors are loaded once into registers and shared by every tap and output
/// that reads them, so a multiply-add costs no load but its weight's.
struct DepthwiseWindow<let kernel: Int, let stride: Int, let span: Int> {
    /// Computes whole groups of eight of `p`'s outputs and returns how many it computed.
    @inline(never)
    static func run(_ p: DepthwisePoint, vectors: Int) -> Int {
        var done = 0
        while done &+ 8 <= p.count {
            let base = p.input + done &* p.step
            for q in 0..<vectors {
                var acc = InlineArray<8, SIMD16<Float>>(repeating: load(p.bias + q &* 16))
                for y in p.ky {
                    let row = base + (y &* p.rowStride &+ q &* 16)
                    var window = InlineArray<span, SIMD16<Float>>(repeating: SIMD16())
                    for i in 0..<span { window[i] = load(row + i &* p.tapStride) }
                    let taps = p.weight + (y &* kernel &* p.tapStride &+ q &* 16)
                    tap(&acc, window, 0, load(taps))
                    tap(&acc, window, 1, load(taps + p.tapStride))
                    tap(&acc, window, 2, load(taps + 2 &* p.tapStride))
                    if kernel == 5 {
                        tap(&acc, window, 3, load(taps + 3 &* p.tapStride))
                        tap(&acc, window, 4, load(taps + 4 &* p.tapStride))
                    }
                }
                let target = p.output + (done &* p.outputStep &+ q &* 16)
                for j in 0..<8 { store(p.activation(acc[j]), target + j &* p.outputStep) }
            }
            done &+= 8
        }
        return done
    }

    /// Tap column `x` (a constant where inlined, so that the window stays in registers) for all eight outputs.
    @inline(__always)
    private static func tap(_ acc: inout InlineArray<8, SIMD16<Float>>, _ window: InlineArray<span, SIMD16<Float>>,
                            _ x: Int, _ w: SIMD16<Float>) {
        for j in 0..<8 { acc[j] = acc[j].addingProduct(window[j &* stride &+ x], w) }
    }
}
