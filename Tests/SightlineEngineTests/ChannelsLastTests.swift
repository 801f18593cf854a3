import Foundation
@testable import SightlineEngineAVX512
import Testing
@testable import SightlineEngine

/// A 1×1 product's rows run as few tiles as six-row tiles would need, with heights at most one apart.
@Test(arguments: [1, 2, 5, 6, 7, 13, 24, 25, 49, 196, 700])
func tileHeightsSpreadRowsEvenly(rows m: Int) throws {
    var heights: [Int] = []
    var left = m
    while left > 0 {
        let height = ChannelsLastAVX512.tileHeight(left)
        try #require((1...ChannelsLastAVX512.tileRows).contains(height), "\(left) rows left")
        heights.append(height)
        left -= height
    }
    #expect(heights.count == (m + ChannelsLastAVX512.tileRows - 1) / ChannelsLastAVX512.tileRows)
    #expect((heights.max() ?? 0) - (heights.min() ?? 0) <= 1, "\(heights)")
}

/// Inputs and plain-loop convolutions the channels-last kernels are checked against.
enum Reference {
    /// Written after every output, to catch writes past it.
    static let sentinel: Float = 12345

    static func values(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { Float(sin(Double($0 * 7 + seed * 13) * 0.37)) }
    }

    /// [rows × channels] values stored with padded rows, padding lanes zero.
    static func channelsLast(_ data: [Float], rows: Int, channels: Int) -> [Float] {
        let cp = ChannelsLastAVX512.padded(channels)
        var out = [Float](repeating: 0, count: rows * cp)
        for r in 0..<rows { for c in 0..<channels { out[r * cp + c] = data[r * channels + c] } }
        return out
    }

    static func relu6(_ x: Float) -> Float { min(max(x, 0), 6) }
    static func silu(_ x: Float) -> Float { x / (1 + exp(-x)) }

    /// A depthwise k×k convolution with stride `s` of a [h × w × c] input with `padTop` and `padLeft` zeros before it,
    /// into [oh × ow × c], then `activation`.
    static func depthwise(_ x: [Float], h: Int, w: Int, c: Int, weight: [Float], bias: [Float], kernel k: Int, stride s: Int,
                          padTop: Int, padLeft: Int, oh: Int, ow: Int, activation: (Float) -> Float) -> [Float] {
        var out = [Float](repeating: 0, count: oh * ow * c)
        for oy in 0..<oh {
            for ox in 0..<ow {
                for ch in 0..<c {
                    var sum = bias[ch]
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let iy = oy * s - padTop + ky, ix = ox * s - padLeft + kx
                            if iy >= 0 && iy < h && ix >= 0 && ix < w { sum += x[(iy * w + ix) * c + ch] * weight[ch * k * k + ky * k + kx] }
                        }
                    }
                    out[(oy * ow + ox) * c + ch] = activation(sum)
                }
            }
        }
        return out
    }

    /// A dense k×k convolution with stride `s` of a planar [cin × h × w] image with `padTop` and `padLeft` zeros before
    /// it, into channels-last [oh × ow × padded(cout)] with the padded channels zero, then `activation`.
    static func dense(_ image: [Float], h: Int, w: Int, cin: Int, cout: Int, weight: [Float], bias: [Float], kernel k: Int,
                      stride s: Int, padTop: Int, padLeft: Int, oh: Int, ow: Int, activation: (Float) -> Float) -> [Float] {
        let cp = ChannelsLastAVX512.padded(cout)
        var out = [Float](repeating: 0, count: oh * ow * cp)
        for oy in 0..<oh {
            for ox in 0..<ow {
                for o in 0..<cout {
                    var sum = bias[o]
                    for i in 0..<cin {
                        for ky in 0..<k {
                            for kx in 0..<k {
                                let iy = oy * s - padTop + ky, ix = ox * s - padLeft + kx
                                guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }
                                sum += image[(i * h + iy) * w + ix] * weight[((o * cin + i) * k + ky) * k + kx]
                            }
                        }
                    }
                    out[(oy * ow + ox) * cp + o] = activation(sum)
                }
            }
        }
        return out
    }
}

/// The channels-last AVX-512 kernels against plain loops, with sentinels after every output.
@Suite(.enabled(if: BLASKernels.avx512, "this CPU has no AVX-512: the channels-last kernels never run here"))
struct ChannelsLastTests {
    private let sentinel = Reference.sentinel

    private func values(_ count: Int, seed: Int) -> [Float] { Reference.values(count, seed: seed) }

    private func channelsLast(_ data: [Float], rows: Int, channels: Int) -> [Float] {
        Reference.channelsLast(data, rows: rows, channels: channels)
    }

    /// 1×1 products with 1–4 vectors per weight block, partial last blocks (24, 40 and 100 channels), depths over
    /// one pass (300 inputs), tiles of every height from 1 to 6 rows, and the work split by rows or by blocks as the
    /// engine's workers do.
    @Test(arguments: [(1, 16, 16), (5, 20, 64), (7, 24, 24), (49, 300, 40), (50, 96, 100), (13, 5, 200), (700, 16, 64)])
    func pointwiseMatchesNaiveProduct(rows m: Int, k: Int, n: Int) {
        let np = ChannelsLastAVX512.padded(n), kp = ChannelsLastAVX512.padded(k)
        let w = values(n * k, seed: 1), bias = values(n, seed: 2)
        let x = channelsLast(values(m * k, seed: 3), rows: m, channels: k)
        let skip = channelsLast(values(m * n, seed: 4), rows: m, channels: n)
        let packed = w.withUnsafeBufferPointer { ChannelsLastAVX512.packPointwise($0.baseAddress!, n: n, k: k) }
        let paddedBias = ChannelsLastAVX512.padBias(bias)
        let blocks = (np + 63) / 64
        for (relu6, silu, residual, splitRows) in [(true, false, false, true), (false, false, true, false), (true, false, true, true),
                                                   (false, true, true, true), (false, true, false, false)] {
            var out = [Float](repeating: sentinel, count: m * np + 16)
            let parts: [(Range<Int>, Range<Int>)] = splitRows
                ? [(0..<m / 2, 0..<blocks), (m / 2..<m, 0..<blocks)]
                : [(0..<m, 0..<blocks / 2), (0..<m, blocks / 2..<blocks)]
            for (rows, range) in parts {
                ChannelsLastAVX512.pointwise(input: x, k: k, weight: packed, np: np, bias: paddedBias,
                                             residual: residual ? skip : nil, relu6: relu6, silu: silu, output: &out,
                                             rows: rows, blocks: range)
            }
            var worst: Float = 0
            for r in 0..<m {
                for o in 0..<np {
                    var expected: Float = 0
                    if o < n {
                        expected = bias[o]
                        for i in 0..<k { expected += w[o * k + i] * x[r * kp + i] }
                        if relu6 { expected = Reference.relu6(expected) }
                        if silu { expected = Reference.silu(expected) }
                        if residual { expected += skip[r * np + o] }
                    }
                    worst = max(worst, abs(out[r * np + o] - expected))
                }
            }
            #expect(worst < 1e-4, "relu6 \(relu6) silu \(silu) residual \(residual) split rows \(splitRows)")
            #expect(out[(m * np)...].allSatisfy { $0 == sentinel })
        }
    }

    /// Naive TensorFlow-SAME depthwise convolution of a [h × w × c] input.
    private func naiveDepthwise(_ x: [Float], h: Int, w: Int, c: Int, weight: [Float], bias: [Float], kernel k: Int,
                                stride s: Int, relu6: Bool) -> (out: [Float], oh: Int, ow: Int) {
        let py = SamePadding(input: h, kernel: k, stride: s), px = SamePadding(input: w, kernel: k, stride: s)
        let out = Reference.depthwise(x, h: h, w: w, c: c, weight: weight, bias: bias, kernel: k, stride: s,
                                      padTop: py.before, padLeft: px.before, oh: py.output, ow: px.output,
                                      activation: relu6 ? Reference.relu6 : { $0 })
        return (out, py.output, px.output)
    }

    /// Depthwise 3×3 and 5×5, stride 1 and 2, odd and tiny planes, 16 to 100 channels (1–4 vectors per block, two
    /// blocks), rows split in two, against the plain loop; padded channels come out zero. Rows with at least eight
    /// interior outputs exercise each register-window kernel (3 or 5 × stride 1 or 2) and its leftovers; the border
    /// columns of rows whose taps are all inside run down each column, several positions at a time on taller planes.
    @Test(arguments: [(3, 1, 9, 13, 16), (5, 2, 13, 13, 40), (3, 2, 6, 7, 100), (5, 1, 7, 7, 32), (3, 1, 1, 1, 64),
                      (5, 2, 28, 28, 48), (5, 1, 6, 23, 80), (3, 2, 5, 41, 16), (3, 1, 20, 9, 64)])
    func depthwiseMatchesNaive(kernel k: Int, stride s: Int, h: Int, w: Int, c: Int) {
        let cp = ChannelsLastAVX512.padded(c)
        let raw = values(h * w * c, seed: 5).map { $0 * 3 }, weight = values(c * k * k, seed: 6), bias = values(c, seed: 7)
        let x = channelsLast(raw, rows: h * w, channels: c)
        let packed = weight.withUnsafeBufferPointer { ChannelsLastAVX512.packDepthwise($0.baseAddress!, channels: c, kernel: k) }
        let py = SamePadding(input: h, kernel: k, stride: s), px = SamePadding(input: w, kernel: k, stride: s)
        for relu6 in [true, false] {
            let expected = naiveDepthwise(raw, h: h, w: w, c: c, weight: weight, bias: bias, kernel: k, stride: s, relu6: relu6)
            var out = [Float](repeating: sentinel, count: expected.oh * expected.ow * cp + 16)
            for rows in [0..<py.output / 2, py.output / 2..<py.output] {
                ChannelsLastAVX512.depthwise(input: x, height: h, width: w, cp: cp, weight: packed,
                                             bias: ChannelsLastAVX512.padBias(bias), kernel: k, stride: s,
                                             padTop: py.before, padLeft: px.before, relu6: relu6, output: &out,
                                             outWidth: px.output, rows: rows, blocks: 0..<(cp + 63) / 64)
            }
            var worst: Float = 0
            for p in 0..<expected.oh * expected.ow {
                for ch in 0..<cp {
                    worst = max(worst, abs(out[p * cp + ch] - (ch < c ? expected.out[p * c + ch] : 0)))
                }
            }
            #expect(worst < 1e-4, "relu6 \(relu6)")
            #expect(out[(expected.oh * expected.ow * cp)...].allSatisfy { $0 == sentinel })
        }
    }

    /// Dense convolutions of a planar image against a plain loop: the stem's 3×3 stride 2 over RGB at 224 × 224 and at
    /// sizes where most outputs touch the border, and other kernels, strides and widths (partial vectors, more than
    /// one 64-channel block), with the rows split in two as the workers do; padded channels come out zero.
    @Test(arguments: [(224, 224, 3, 32, 3, 2), (9, 13, 3, 32, 3, 2), (2, 3, 3, 32, 3, 2), (1, 1, 3, 24, 3, 2),
                      (11, 19, 2, 80, 5, 1), (20, 7, 4, 48, 3, 1), (6, 40, 1, 16, 5, 2)])
    func denseMatchesNaiveConvolution(h: Int, w: Int, cin: Int, cout: Int, k: Int, s: Int) {
        let image = values(cin * h * w, seed: 8), weight = values(cout * cin * k * k, seed: 9), bias = values(cout, seed: 10)
        let py = SamePadding(input: h, kernel: k, stride: s), px = SamePadding(input: w, kernel: k, stride: s)
        let cp = ChannelsLastAVX512.padded(cout), positions = py.output * px.output
        let packed = weight.withUnsafeBufferPointer { ChannelsLastAVX512.packDense($0.baseAddress!, out: cout, in: cin, kernel: k) }
        let paddedBias = ChannelsLastAVX512.padBias(bias)
        for relu6 in [false, true] {
            var out = [Float](repeating: sentinel, count: positions * cp + 16)
            for rows in [0..<py.output / 2, py.output / 2..<py.output] {
                ChannelsLastAVX512.dense(input: image, height: h, width: w, cin: cin, weight: packed, cp: cp, bias: paddedBias,
                                         kernel: k, stride: s, padTop: py.before, padLeft: px.before, relu6: relu6,
                                         output: &out, outWidth: px.output, rows: rows)
            }
            let expected = Reference.dense(image, h: h, w: w, cin: cin, cout: cout, weight: weight, bias: bias, kernel: k,
                                           stride: s, padTop: py.before, padLeft: px.before, oh: py.output, ow: px.output,
                                           activation: relu6 ? Reference.relu6 : { $0 })
            let worst = zip(out, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "relu6 \(relu6)")
            #expect(out[(positions * cp)...].allSatisfy { $0 == sentinel })
        }
    }
}

/// The kernels' vector eˣ (for SiLU and the detector's sigmoids) against Foundation's, over the range SiLU meets.
@Test func vectorExpMatchesFoundation() {
    var worst: Float = 0
    for start in stride(from: -80 as Float, to: 80, by: 0.37) {
        let x = SIMD16<Float>((0..<16).map { start + Float($0) * 0.0231 })
        let y = VectorMath.exp(x)
        for i in 0..<16 { worst = max(worst, abs(y[i] - Foundation.exp(x[i])) / Foundation.exp(x[i])) }
    }
    #expect(worst < 1e-6)
    #expect(VectorMath.exp(SIMD16(repeating: -200))[0] < 1e-37)
    #expect(VectorMath.exp(SIMD16(repeating: 200))[0].isFinite)
}
