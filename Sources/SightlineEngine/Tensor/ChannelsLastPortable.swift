import SightlineEngineAVX512


/// Channels-last convolutions for CPUs without AVX-512, over `ChannelsLastAVX512`'s layouts (`packDepthwise`,
/// `packDense`, `padBias`; rows of `padded(channels)` floats whose padding lanes stay zero); 1×1 convolutions run on
/// SGEMM and are finished here.
///
/// A vector is 16 channels, which the engine's haswell build holds in two ymm registers and multiplies with two
/// vfmadd, and SiLU is `VectorMath`'s. A tile keeps 6 positions × 16 channels of sums in 12 of the 16 ymm registers,
/// beside a weight vector and a broadcast input, so that each weight load serves six multiply-adds.
enum ChannelsLastPortable {
    /// Output rows `rows` of a depthwise k×k convolution with stride `s` and `padding` zeros on every side of a
    /// [height × width × cp] input, into [rows × outWidth × cp]: bias, then SiLU where asked.
    static func depthwise(input: UnsafePointer<Float>, height: Int, width: Int, cp: Int, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>, kernel k: Int, stride s: Int, padding: Int, silu: Bool,
                          output: UnsafeMutablePointer<Float>, outWidth: Int, rows: Range<Int>) {
        let (first, last) = ChannelsLastAVX512.interiorColumns(width: width, outWidth: outWidth, kernel: k, stride: s,
                                                               padLeft: padding)
        for oy in rows {
            let iy = oy &* s &- padding
            for c in stride(from: 0, to: cp, by: ChannelsLastAVX512.lanes) {
                let span = { (ox: Int, count: Int) -> DepthwiseRun in
                    let ix = ox &* s &- padding
                    return DepthwiseRun(input: input + ((iy &* width &+ ix) &* cp &+ c), weight: weight + c, bias: bias + c,
                                        rowStride: width &* cp, cp: cp, step: s &* cp, kernel: k,
                                        ky: max(0, -iy)..<min(k, height &- iy), kx: max(0, -ix)..<min(k, width &- ix),
                                        count: count, silu: silu, output: output + ((oy &* outWidth &+ ox) &* cp &+ c))
                }
                for ox in 0..<first { DepthwiseTile<1>.run(span(ox, 1)) }
                if first < last { DepthwiseTile<6>.run(span(first, last &- first)) }
                for ox in last..<outWidth { DepthwiseTile<1>.run(span(ox, 1)) }
            }
        }
    }

    /// Output rows `rows` of a dense k×k convolution with stride `s` and `padding` zeros on every side of a planar
    /// [cin × height × width] input (the image), into channels-last [rows × outWidth × cp]: bias, then SiLU where
    /// asked. Each tap and input channel is one broadcast input times a vector of output channels, read through a
    /// table of input offsets so that a tile's loop is one run along the packed weight.
    static func dense(input: UnsafePointer<Float>, height: Int, width: Int, cin: Int, weight: UnsafePointer<Float>,
                      cp: Int, bias: UnsafePointer<Float>, kernel k: Int, stride s: Int, padding: Int, silu: Bool,
                      output: UnsafeMutablePointer<Float>, outWidth: Int, rows: Range<Int>) {
        let (first, last) = ChannelsLastAVX512.interiorColumns(width: width, outWidth: outWidth, kernel: k, stride: s,
                                                               padLeft: padding)
        // Each tap and input channel's input in the packed weight's order, from the input of tap (0, 0).
        let offsets = (0..<k * k * cin).map { i in (i % cin) &* height &* width &+ (i / cin / k) &* width &+ i / cin % k }
        offsets.withUnsafeBufferPointer { offsets in
            for oy in rows {
                let iy = oy &* s &- padding
                for c in stride(from: 0, to: cp, by: ChannelsLastAVX512.lanes) {
                    let span = { (ox: Int, count: Int) -> DenseRun in
                        let ix = ox &* s &- padding
                        return DenseRun(input: input + (iy &* width &+ ix), offsets: offsets.baseAddress!, step: s,
                                        inChannels: cin, weight: weight + c, cp: cp, kernel: k,
                                        ky: max(0, -iy)..<min(k, height &- iy), kx: max(0, -ix)..<min(k, width &- ix),
                                        count: count, bias: bias + c, silu: silu,
                                        output: output + ((oy &* outWidth &+ ox) &* cp &+ c))
                    }
                    for ox in 0..<first { DenseTile<1>.border(span(ox, 1)) }
                    if first < last { DenseTile<6>.run(span(first, last &- first)) }
                    for ox in last..<outWidth { DenseTile<1>.border(span(ox, 1)) }
                }
            }
        }
    }

    /// Rows `rows` of a 1×1 convolution's output as SGEMM left it, `cp` products per row `outputStride` floats apart,
    /// finished in place: + bias, SiLU where asked, + the residual's row.
    static func finishPointwise(output: UnsafeMutablePointer<Float>, outputStride: Int, cp: Int, bias: UnsafePointer<Float>,
                                silu: Bool, residual: UnsafePointer<Float>?, residualStride: Int, rows: Range<Int>) {
        for r in rows {
            let row = output + r &* outputStride
            for c in stride(from: 0, to: cp, by: ChannelsLastAVX512.lanes) {
                var v = load(row + c) + load(bias + c)
                if silu { v = VectorMath.silu(v) }
                if let residual { v += load(residual + (r &* residualStride &+ c)) }
                store(v, row + c)
            }
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

/// `acc`, through SiLU where asked, to `positions` outputs `step` floats apart.
@inline(__always)
private func write<let positions: Int>(_ acc: InlineArray<positions, SIMD16<Float>>, to target: UnsafeMutablePointer<Float>,
                                       step: Int, silu: Bool) {
    for j in 0..<positions { store(silu ? VectorMath.silu(acc[j]) : acc[j], target + j &* step) }
}

/// Groups of `positions` consecutive outputs of a run, the last group overlapping the one before where the run is not
/// a multiple of `positions` (its overlapping outputs are computed twice, identically); runs shorter than a group go
/// one position at a time.
@inline(__always)
private func groups(count: Int, positions: Int, _ body: (Int) -> Void, single: (Int) -> Void) {
    if count < positions {
        for j in 0..<count { single(j) }
        return
    }
    var done = 0
    while done < count {
        let at = min(done, count &- positions)
        body(at)
        done = at &+ positions
    }
}

/// `count` consecutive depthwise outputs along a row, `step` input floats apart: `input` points at tap (0, 0) of the
/// first, which may lie in the padding; only taps `ky` × `kx` are inside the input for all of them.
private struct DepthwiseRun {
    let input: UnsafePointer<Float>
    let weight: UnsafePointer<Float>
    let bias: UnsafePointer<Float>
    let rowStride: Int
    /// Floats between positions of the input and the output, and between taps of the weight.
    let cp: Int
    let step: Int
    let kernel: Int
    let ky: Range<Int>
    let kx: Range<Int>
    let count: Int
    let silu: Bool
    let output: UnsafeMutablePointer<Float>
}

/// 16 channels of depthwise outputs, `positions` positions at a time sharing each weight load.
private struct DepthwiseTile<let positions: Int> {
    @inline(never)
    static func run(_ p: DepthwiseRun) {
        groups(count: p.count, positions: positions, { group(p, at: $0) }, single: { DepthwiseTile<1>.group(p, at: $0) })
    }

    /// `positions` outputs from the `first`th, over taps `ky` × `kx` in one loop (nested loops leave the sums on the
    /// stack).
    @inline(__always)
    static func group(_ p: DepthwiseRun, at first: Int) {
        var acc = InlineArray<positions, SIMD16<Float>>(repeating: load(p.bias))
        let columns = p.kx.count
        guard columns > 0 else { return write(acc, to: p.output + first &* p.cp, step: p.cp, silu: p.silu) }
        var source = p.input + (first &* p.step &+ p.ky.lowerBound &* p.rowStride &+ p.kx.lowerBound &* p.cp)
        var w = p.weight + (p.ky.lowerBound &* p.kernel &+ p.kx.lowerBound) &* p.cp
        var x = 0
        for _ in 0..<(p.ky.count &* columns) {
            let wv = load(w)
            for j in 0..<positions { acc[j] = acc[j].addingProduct(load(source + j &* p.step), wv) }
            x &+= 1
            source += p.cp
            w += p.cp
            if x == columns {
                x = 0
                source += p.rowStride &- columns &* p.cp
                w += (p.kernel &- columns) &* p.cp
            }
        }
        write(acc, to: p.output + first &* p.cp, step: p.cp, silu: p.silu)
    }
}

/// `count` consecutive outputs along a row of a dense convolution over a planar input, `step` inputs apart: `input`
/// points at channel 0, tap (0, 0) of the first, which may lie in the padding; only taps `ky` × `kx` are inside the
/// input for all of them.
private struct DenseRun {
    let input: UnsafePointer<Float>
    /// Where each tap and input channel reads, from `input`, in the packed weight's order.
    let offsets: UnsafePointer<Int>
    let step: Int
    let inChannels: Int
    let weight: UnsafePointer<Float>
    let cp: Int
    let kernel: Int
    let ky: Range<Int>
    let kx: Range<Int>
    let count: Int
    let bias: UnsafePointer<Float>
    let silu: Bool
    let output: UnsafeMutablePointer<Float>
}

/// 16 output channels of a dense convolution at `positions` positions at a time, each weight vector shared by all of them.
private struct DenseTile<let positions: Int> {
    /// Outputs whose taps in each row are all inside the input.
    @inline(never)
    static func run(_ p: DenseRun) {
        groups(count: p.count, positions: positions, { group(p, at: $0) }, single: { DenseTile<1>.group(p, at: $0) })
    }

    /// `positions` outputs from the `first`th, each kernel row of whose taps all lie inside the input: along the
    /// packed weight, whose rows `ky` are contiguous.
    @inline(__always)
    static func group(_ p: DenseRun, at first: Int) {
        var acc = InlineArray<positions, SIMD16<Float>>(repeating: load(p.bias))
        let base = p.input + first &* p.step, row = p.kernel &* p.inChannels
        for t in p.ky.lowerBound &* row..<p.ky.upperBound &* row {
            let w = load(p.weight + t &* p.cp), source = base + p.offsets[t]
            for j in 0..<positions { acc[j] = acc[j].addingProduct(SIMD16(repeating: source[j &* p.step]), w) }
        }
        write(acc, to: p.output + first &* p.cp, step: p.cp, silu: p.silu)
    }

    /// One output whose taps `ky` × `kx` are inside the input.
    @inline(never)
    static func border(_ p: DenseRun) {
        var acc = load(p.bias)
        for y in p.ky {
            for x in p.kx {
                let tap = (y &* p.kernel &+ x) &* p.inChannels
                for c in 0..<p.inChannels {
                    acc = acc.addingProduct(SIMD16(repeating: p.input[p.offsets[tap &+ c]]), load(p.weight + (tap &+ c) &* p.cp))
                }
            }
        }
        store(p.silu ? VectorMath.silu(acc) : acc, p.output)
    }
}
