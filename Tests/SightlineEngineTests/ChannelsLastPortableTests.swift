import Foundation
@testable import SightlineEngineAVX512
import Testing
@testable import SightlineEngine

/// The portable kernels (what CPUs without AVX-512 run) against plain loops with YOLOX's padding of k/2 on every side,
/// and against the AVX-512 kernels where the CPU has them, with sentinels after every output.
@Suite struct ChannelsLastPortableTests {
    private let sentinel = Reference.sentinel

    /// Depthwise 3×3 and 5×5, stride 1 and 2 (YOLOX's downsampling), even, odd and tiny planes, rows with fewer than
    /// six interior outputs and with a last group overlapping the one before, 16 to 256 channels, rows split in two as
    /// the workers do, identity and SiLU; padded channels come out zero.
    @Test(arguments: [(3, 2, 20, 26, 16), (3, 1, 9, 13, 64), (5, 2, 13, 13, 40), (3, 2, 7, 6, 32), (3, 1, 1, 1, 16),
                      (5, 1, 6, 23, 80), (3, 2, 13, 13, 256), (3, 1, 3, 8, 24)])
    func depthwiseMatchesReference(kernel k: Int, stride s: Int, h: Int, w: Int, c: Int) {
        let cp = ChannelsLastAVX512.padded(c), p = k / 2
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        let raw = Reference.values(h * w * c, seed: 11).map { $0 * 3 }
        let weight = Reference.values(c * k * k, seed: 12), bias = Reference.values(c, seed: 13)
        let x = Reference.channelsLast(raw, rows: h * w, channels: c)
        let packed = weight.withUnsafeBufferPointer { ChannelsLastAVX512.packDepthwise($0.baseAddress!, channels: c, kernel: k) }
        let paddedBias = ChannelsLastAVX512.padBias(bias)
        for silu in [false, true] {
            let expected = Reference.channelsLast(
                Reference.depthwise(raw, h: h, w: w, c: c, weight: weight, bias: bias, kernel: k, stride: s, padTop: p,
                                    padLeft: p, oh: oh, ow: ow, activation: silu ? Reference.silu : { $0 }),
                rows: oh * ow, channels: c)
            var out = [Float](repeating: sentinel, count: oh * ow * cp + 16)
            for rows in [0..<oh / 2, oh / 2..<oh] {
                ChannelsLastPortable.depthwise(input: x, height: h, width: w, cp: cp, weight: packed, bias: paddedBias,
                                               kernel: k, stride: s, padding: p, silu: silu, output: &out, outWidth: ow,
                                               rows: rows)
            }
            #expect(worstDifference(out, expected) < 1e-4, "silu \(silu)")
            #expect(out[(oh * ow * cp)...].allSatisfy { $0 == sentinel })
            if BLASKernels.avx512 {
                var fast = [Float](repeating: sentinel, count: oh * ow * cp)
                ChannelsLastAVX512.depthwise(input: x, height: h, width: w, cp: cp, weight: packed, bias: paddedBias,
                                             kernel: k, stride: s, padTop: p, padLeft: p, relu6: false, silu: silu,
                                             output: &fast, outWidth: ow, rows: 0..<oh, blocks: 0..<(cp + 63) / 64)
                #expect(worstDifference(out, fast) < 1e-4, "against AVX-512, silu \(silu)")
            }
        }
    }

    /// Dense convolutions of a planar image: YOLOX's Focus stem (12 planes, 3×3 stride 1, 16 outputs) at sizes where
    /// most or all outputs touch the border, and other kernels, strides and widths (partial vectors, several vectors),
    /// rows split in two; padded channels come out zero.
    @Test(arguments: [(20, 26, 12, 16, 3, 1), (2, 3, 12, 16, 3, 1), (1, 1, 12, 16, 3, 1), (9, 13, 3, 32, 3, 2),
                      (11, 19, 2, 80, 5, 1), (6, 40, 1, 24, 5, 2)])
    func denseMatchesReference(h: Int, w: Int, cin: Int, cout: Int, k: Int, s: Int) {
        let cp = ChannelsLastAVX512.padded(cout), p = k / 2
        let oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1
        let image = Reference.values(cin * h * w, seed: 14)
        let weight = Reference.values(cout * cin * k * k, seed: 15), bias = Reference.values(cout, seed: 16)
        let packed = weight.withUnsafeBufferPointer { ChannelsLastAVX512.packDense($0.baseAddress!, out: cout, in: cin, kernel: k) }
        let paddedBias = ChannelsLastAVX512.padBias(bias)
        for silu in [false, true] {
            let expected = Reference.dense(image, h: h, w: w, cin: cin, cout: cout, weight: weight, bias: bias, kernel: k,
                                           stride: s, padTop: p, padLeft: p, oh: oh, ow: ow,
                                           activation: silu ? Reference.silu : { $0 })
            var out = [Float](repeating: sentinel, count: oh * ow * cp + 16)
            for rows in [0..<oh / 2, oh / 2..<oh] {
                ChannelsLastPortable.dense(input: image, height: h, width: w, cin: cin, weight: packed, cp: cp,
                                           bias: paddedBias, kernel: k, stride: s, padding: p, silu: silu, output: &out,
                                           outWidth: ow, rows: rows)
            }
            #expect(worstDifference(out, expected) < 1e-4, "silu \(silu)")
            #expect(out[(oh * ow * cp)...].allSatisfy { $0 == sentinel })
            if BLASKernels.avx512 {
                var fast = [Float](repeating: sentinel, count: oh * ow * cp)
                ChannelsLastAVX512.dense(input: image, height: h, width: w, cin: cin, weight: packed, cp: cp,
                                         bias: paddedBias, kernel: k, stride: s, padTop: p, padLeft: p, relu6: false,
                                         silu: silu, output: &fast, outWidth: ow, rows: 0..<oh)
                #expect(worstDifference(out, fast) < 1e-4, "against AVX-512, silu \(silu)")
            }
        }
    }

    /// SGEMM's products finished in place: bias, SiLU where asked, then the residual, on rows wider than the channels
    /// (a part of a concatenation), only in the rows asked for.
    @Test func pointwiseFinishAddsBiasActivationAndResidual() {
        let rows = 7, cp = 32, stride = 48
        let products = Reference.values(rows * stride, seed: 17).map { $0 * 4 }, bias = Reference.values(cp, seed: 18)
        let skip = Reference.values(rows * cp, seed: 19)
        for (silu, residual) in [(true, true), (false, true), (true, false)] {
            var out = products
            ChannelsLastPortable.finishPointwise(output: &out, outputStride: stride, cp: cp, bias: bias, silu: silu,
                                                 residual: residual ? skip : nil, residualStride: cp, rows: 2..<rows)
            var expected = products
            for r in 2..<rows {
                for c in 0..<cp {
                    let v = products[r * stride + c] + bias[c]
                    expected[r * stride + c] = (silu ? Reference.silu(v) : v) + (residual ? skip[r * cp + c] : 0)
                }
            }
            #expect(worstDifference(out, expected) < 1e-5, "silu \(silu) residual \(residual)")
        }
    }

    private func worstDifference(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }
}
