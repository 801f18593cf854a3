import Foundation
import Testing
@testable import SightlineEngine

/// Engine operations against naive loops on tiny inputs.
@Suite struct OpsTests {
    private func pseudoRandom(_ count: Int, seed: Int) -> [Float] {
        (0..<count).map { i -> Float in
            let angle = Double(i * 7 + seed * 13) * 0.37
            return Float(sin(angle))
        }
    }

    @Test(arguments: [(2, 1), (3, 2), (60, 2), (200, 2)])
    func linearMatchesNaiveProduct(rows: Int, threads: Int) {
        let inFeatures = 41, outFeatures = 70
        let weight = Tensor(shape: [outFeatures, inFeatures], data: pseudoRandom(outFeatures * inFeatures, seed: 1))
        let bias = Tensor(shape: [outFeatures], data: pseudoRandom(outFeatures, seed: 5))
        let x = pseudoRandom(rows * inFeatures, seed: 2)
        let linear = Linear(weight: weight, bias: bias)
        var y = [Float](repeating: 0, count: rows * outFeatures)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { linear(xp.baseAddress!, rows: rows, into: $0.baseAddress!, threads: threads) }
        }
        var worst: Float = 0
        for r in 0..<rows {
            for o in 0..<outFeatures {
                var expected = bias.data[o]
                for i in 0..<inFeatures { expected += x[r * inFeatures + i] * weight.data[o * inFeatures + i] }
                worst = max(worst, abs(y[r * outFeatures + o] - expected))
            }
        }
        #expect(worst < 1e-4)
    }

    /// Every tile shape of `PanelGEMM` (1–14 rows, one or two panels, a partial last panel),
    /// the SGEMM path beyond `Linear.maxPanelRows`, each epilogue, and stacked layers.
    /// With 272 inputs and 48 + 80 outputs (whole vectors), the AVX-512 path where the CPU has it,
    /// in three passes over the inputs (at most 128 each).
    @Test(arguments: [1, 5, 7, 9, 14, 17, 28, 29], [1, 2])
    func linearEpiloguesMatchNaive(rows: Int, threads: Int) {
        for (inFeatures, outFeatures) in [(37, [40, 70]), (272, [48, 80])] {
            linearEpilogues(rows: rows, threads: threads, inFeatures: inFeatures, outFeatures: outFeatures)
        }
    }

    private func linearEpilogues(rows: Int, threads: Int, inFeatures: Int, outFeatures: [Int]) {
        let weights = outFeatures.enumerated().map { i, out in
            Tensor(shape: [out, inFeatures], data: pseudoRandom(out * inFeatures, seed: 11 + i))
        }
        let biases = outFeatures.enumerated().map { i, out in Tensor(shape: [out], data: pseudoRandom(out, seed: 21 + i)) }
        let linear = Linear(weights: weights, biases: biases)
        #expect(linear.vectorBlocks.isEmpty == !(BLASKernels.avx512 && inFeatures % 16 == 0))
        let n = outFeatures.reduce(0, +)
        let stacked = weights.flatMap(\.data), bias = biases.flatMap(\.data)
        let x = pseudoRandom(rows * inFeatures, seed: 3)
        let residual = pseudoRandom(rows * n, seed: 4)
        for epilogue in [PanelGEMM.Epilogue.store, .gelu, .accumulate] {
            var y = residual
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer {
                    linear(xp.baseAddress!, rows: rows, into: $0.baseAddress!, threads: threads, epilogue: epilogue)
                }
            }
            var worst: Float = 0
            for r in 0..<rows {
                for o in 0..<n {
                    var expected = bias[o]
                    for i in 0..<inFeatures { expected += x[r * inFeatures + i] * stacked[o * inFeatures + i] }
                    switch epilogue {
                    case .store: break
                    case .gelu: expected = 0.5 * expected * (1 + erff(expected / Float(2).squareRoot()))
                    case .accumulate: expected += residual[r * n + o]
                    }
                    worst = max(worst, abs(y[r * n + o] - expected))
                }
            }
            #expect(worst < 1e-4, "\(epilogue) \(inFeatures) inputs")
        }
    }

    @Test(arguments: [(1, 1, false, 6), (3, 1, false, 6), (3, 2, false, 6), (3, 1, true, 6), (3, 2, true, 6),
                      (5, 2, true, 6), (5, 1, true, 6), (3, 1, true, 45), (5, 2, true, 83), (1, 1, false, 45)])
    func convolutionMatchesNaiveSamePadding(kernel: Int, stride: Int, depthwise: Bool, w: Int) {
        let cin = depthwise ? 3 : 2, cout = 3, h = 7
        let weight = Tensor(shape: [cout, depthwise ? 1 : cin, kernel, kernel], data: pseudoRandom(cout * (depthwise ? 1 : cin) * kernel * kernel, seed: 3))
        let bn = BatchNormParameters(gamma: [1, 2, 0.5], beta: [0.1, -0.2, 0.3], mean: [0.05, 0, -0.1], variance: [1, 0.5, 2], epsilon: 1e-3)
        let conv = Conv2D(weight: weight, batchNorm: bn, stride: stride, depthwise: depthwise)
        let input = pseudoRandom(cin * h * w, seed: 4)
        let (oh, ow) = conv.outputSize(height: h, width: w)
        var output = [Float](repeating: 0, count: cout * oh * ow)
        var scratch = [Float](repeating: 0, count: max(conv.scratchCount(height: h, width: w), 1))
        input.withUnsafeBufferPointer { ip in
            output.withUnsafeMutableBufferPointer { op in
                scratch.withUnsafeMutableBufferPointer { sp in
                    conv(ip.baseAddress!, height: h, width: w, into: op.baseAddress!, scratch: sp.baseAddress!)
                }
            }
        }
        let padY = SamePadding(input: h, kernel: kernel, stride: stride), padX = SamePadding(input: w, kernel: kernel, stride: stride)
        #expect(oh == (h + stride - 1) / stride && ow == (w + stride - 1) / stride)
        for o in 0..<cout {
            let scale = bn.gamma[o] / (bn.variance[o] + bn.epsilon).squareRoot()
            for y in 0..<oh {
                for x in 0..<ow {
                    var sum: Float = 0
                    for c in (depthwise ? o..<(o + 1) : 0..<cin) {
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let iy = y * stride + ky - padY.before, ix = x * stride + kx - padX.before
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                let wi = depthwise ? (o * kernel + ky) * kernel + kx : ((o * cin + c) * kernel + ky) * kernel + kx
                                sum += weight.data[wi] * input[(c * h + iy) * w + ix]
                            }
                        }
                    }
                    let expected = (sum - bn.mean[o]) * scale + bn.beta[o]
                    #expect(abs(output[(o * oh + y) * ow + x] - expected) < 1e-4)
                }
            }
        }
    }

    /// 1×1 convolutions on SGEMM (split by columns or by channel groups across threads) against a plain loop, with the
    /// bias, ReLU6 and residual applied or the raw product left unfinished, and nothing written past the end.
    @Test(arguments: [(6, 16, 1, 1), (7, 3, 7, 7), (13, 20, 14, 14), (40, 144, 28, 28), (24, 96, 56, 56),
                      (11, 9, 3, 40), (18, 33, 1, 49), (5, 64, 2, 50)])
    func pointwiseMatchesNaiveProduct(cout: Int, cin: Int, h: Int, w: Int) {
        let n = h * w, sentinel: Float = 12345
        let weight = Tensor(shape: [cout, cin, 1, 1], data: pseudoRandom(cout * cin, seed: 21).map { $0 * 3 })
        let bn = BatchNormParameters(gamma: pseudoRandom(cout, seed: 22).map { 1 + $0 / 2 }, beta: pseudoRandom(cout, seed: 23),
                                     mean: pseudoRandom(cout, seed: 24), variance: pseudoRandom(cout, seed: 25).map { 1 + abs($0) },
                                     epsilon: 1e-3)
        let x = pseudoRandom(cin * n, seed: 26), skip = pseudoRandom(cout * n, seed: 27)
        var product = [Float](repeating: 0, count: cout * n), bias = [Float](repeating: 0, count: cout)
        for o in 0..<cout {
            let scale = bn.gamma[o] / (bn.variance[o] + bn.epsilon).squareRoot()
            bias[o] = bn.beta[o] - bn.mean[o] * scale
            for j in 0..<n {
                var sum: Float = 0
                for i in 0..<cin { sum += weight.data[o * cin + i] * x[i * n + j] }
                product[o * n + j] = sum * scale
            }
        }
        for (relu6, finish, residual, threads) in [(true, true, false, 1), (false, true, true, 2), (true, false, false, 2)] {
            let conv = Conv2D(weight: weight, batchNorm: bn, stride: 1, depthwise: false, relu6: relu6)
            var out = [Float](repeating: sentinel, count: cout * n + 16)
            x.withUnsafeBufferPointer { xp in
                skip.withUnsafeBufferPointer { sp in
                    out.withUnsafeMutableBufferPointer { op in
                        conv(xp.baseAddress!, height: h, width: w, into: op.baseAddress!, scratch: op.baseAddress!, threads: threads,
                             finish: finish, residual: residual ? sp.baseAddress! : nil)
                    }
                }
            }
            var worst: Float = 0
            for o in 0..<cout {
                for j in 0..<n {
                    var expected = product[o * n + j]
                    if finish { expected += bias[o] }
                    if residual { expected += skip[o * n + j] }
                    if finish && relu6 { expected = min(max(expected, 0), 6) }
                    worst = max(worst, abs(out[o * n + j] - expected))
                }
            }
            #expect(worst < 1e-4, "relu6 \(relu6) finish \(finish) residual \(residual)")
            #expect(out[(cout * n)...].allSatisfy { $0 == sentinel })
        }
    }

    /// The fused paths of an MBConv block (bias and ReLU6 of the expansion applied by the depthwise
    /// convolution as it reads, residual added by the projection) against the separate passes, with
    /// sentinels after each output to catch writes past its end.
    @Test(arguments: [(3, 1, 13), (5, 2, 13), (3, 2, 6), (5, 1, 7)])
    func fusedBlockPathsMatchSeparatePasses(kernel: Int, stride: Int, w: Int) {
        let cin = 5, hidden = 7, h = 9
        func bn(_ n: Int, seed: Int) -> BatchNormParameters {
            BatchNormParameters(gamma: pseudoRandom(n, seed: seed).map { 1 + $0 / 2 }, beta: pseudoRandom(n, seed: seed + 1),
                                mean: pseudoRandom(n, seed: seed + 2), variance: pseudoRandom(n, seed: seed + 3).map { 1 + abs($0) },
                                epsilon: 1e-3)
        }
        let expand = Conv2D(weight: Tensor(shape: [hidden, cin, 1, 1], data: pseudoRandom(hidden * cin, seed: 6).map { $0 * 20 }),
                            batchNorm: bn(hidden, seed: 7), stride: 1, depthwise: false, relu6: true)
        let depthwise = Conv2D(weight: Tensor(shape: [hidden, 1, kernel, kernel], data: pseudoRandom(hidden * kernel * kernel, seed: 8)),
                               batchNorm: bn(hidden, seed: 9), stride: stride, depthwise: true, relu6: true)
        let project = Conv2D(weight: Tensor(shape: [cin, hidden, 1, 1], data: pseudoRandom(cin * hidden, seed: 10)),
                             batchNorm: bn(cin, seed: 11), stride: 1, depthwise: false)
        let (oh, ow) = depthwise.outputSize(height: h, width: w)
        let sentinel: Float = 12345, tail = 16
        let x = pseudoRandom(cin * h * w, seed: 12), skip = pseudoRandom(cin * oh * ow, seed: 13)
        var scratch = [Float](repeating: 0, count: depthwise.scratchCount(height: h, width: w))
        func run(_ count: Int, _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void) -> [Float] {
            var out = [Float](repeating: sentinel, count: count + tail)
            out.withUnsafeMutableBufferPointer { o in scratch.withUnsafeMutableBufferPointer { body(o.baseAddress!, $0.baseAddress!) } }
            #expect(out[count...].allSatisfy { $0 == sentinel })
            return Array(out[..<count])
        }
        let finished = run(hidden * h * w) { expand(x, height: h, width: w, into: $0, scratch: $1) }
        let raw = run(hidden * h * w) { expand(x, height: h, width: w, into: $0, scratch: $1, finish: false) }
        let separate = run(hidden * oh * ow) { depthwise(finished, height: h, width: w, into: $0, scratch: $1) }
        let fused = run(hidden * oh * ow) { depthwise(raw, height: h, width: w, into: $0, scratch: $1, pending: expand) }
        #expect(zip(separate, fused).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(finished.contains(6) && finished.contains(0))
        let projected = run(cin * oh * ow) { project(fused, height: oh, width: ow, into: $0, scratch: $1) }
        let summed = run(cin * oh * ow) { project(fused, height: oh, width: ow, into: $0, scratch: $1, residual: skip) }
        #expect(zip(zip(projected, skip), summed).allSatisfy { abs($0.0 + $0.1 - $1) < 1e-5 })
    }

    @Test func samePaddingPutsOddPixelAfter() {
        let p = SamePadding(input: 224, kernel: 3, stride: 2)
        #expect(p.output == 112 && p.before == 0)
        let q = SamePadding(input: 56, kernel: 5, stride: 2)
        #expect(q.output == 28 && q.before == 1)
        #expect(SamePadding(input: 14, kernel: 5, stride: 1).before == 2)
    }

    @Test func activationsMatchDefinitions() {
        var x: [Float] = [-3, -0.5, 0, 0.5, 3, 7]
        x.withUnsafeMutableBufferPointer { Activation.relu6($0.baseAddress!, count: 6) }
        #expect(x == [0, 0, 0, 0.5, 3, 6])
        var g: [Float] = [-1, 0, 1, 2]
        g.withUnsafeMutableBufferPointer { Activation.gelu($0.baseAddress!, count: 4) }
        let expected: [Float] = [-0.15865525, 0, 0.8413447, 1.9544997]
        for (a, b) in zip(g, expected) { #expect(abs(a - b) < 1e-6) }
    }

    @Test func vectorisedGELUMatchesErfForm() {
        var x = (0..<1003).map { Float($0 - 500) / 80 }
        let expected = x.map { 0.5 * $0 * (1 + erff($0 / Float(2).squareRoot())) }
        x.withUnsafeMutableBufferPointer { Activation.gelu($0.baseAddress!, count: $0.count) }
        let worst = zip(x, expected).map { abs($0 - $1) }.max() ?? 0
        #expect(worst < 2e-6)
    }

    @Test func softmaxRowsSumToOne() {
        var x: [Float] = [1, 2, 3, 0, 1000, 1000, 1000, 0]
        x.withUnsafeMutableBufferPointer { Activation.softmaxRows($0.baseAddress!, rows: 2, cols: 3, stride: 4) }
        #expect(abs(x[0] + x[1] + x[2] - 1) < 1e-6)
        #expect(abs(x[2] - 0.66524096) < 1e-6)
        #expect(abs(x[4] - 1 / 3) < 1e-6)
        #expect(x[3] == 0 && x[7] == 0)
    }

    @Test func layerNormNormalisesRows() {
        var x: [Float] = [1, 2, 3, 4, -2, 0, 2, 4]
        let norm = LayerNorm(gamma: [1, 1, 1, 1], beta: [0, 0, 0, 0], epsilon: 1e-12)
        x.withUnsafeMutableBufferPointer { norm($0.baseAddress!, rows: 2) }
        for r in 0..<2 {
            let row = x[(r * 4)..<(r * 4 + 4)]
            let mean = row.reduce(0, +) / 4
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 4
            #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-5)
        }
    }

    /// Vector body and scalar tail, with gamma and beta, against the two-pass formula.
    @Test func layerNormMatchesNaiveWithAffine() {
        let width = 21, rows = 3
        let gamma = pseudoRandom(width, seed: 7), beta = pseudoRandom(width, seed: 8)
        let input = pseudoRandom(rows * width, seed: 9).map { $0 * 3 + 1 }
        var x = input
        let norm = LayerNorm(gamma: gamma, beta: beta, epsilon: 1e-5)
        x.withUnsafeMutableBufferPointer { norm($0.baseAddress!, rows: rows) }
        var worst: Float = 0
        for r in 0..<rows {
            let row = input[(r * width)..<((r + 1) * width)]
            let mean = row.reduce(0, +) / Float(width)
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(width)
            for (i, v) in row.enumerated() {
                let expected = (v - mean) / (variance + 1e-5).squareRoot() * gamma[i] + beta[i]
                worst = max(worst, abs(x[r * width + i] - expected))
            }
        }
        #expect(worst < 1e-5)
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(ModelStore.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(ModelStore.sha256Hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array(repeating: UInt8(ascii: "a"), count: 1000)
        #expect(ModelStore.sha256Hex(long) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func efficientNetLiteScalingMatchesPublishedBlockCounts() {
        #expect(EfficientNetLiteVariant.lite0.blocks.count == 16)
        #expect(EfficientNetLiteVariant.lite1.blocks.count == 21)
        #expect(EfficientNetLiteVariant.lite2.blocks.count == 21)
        #expect(EfficientNetLiteVariant.lite2.blocks.last?.output == 352)
    }

    /// Kept buffers are handed out again only where they are large enough, and no more than the limit are kept.
    @Test func bufferShelfReusesFittingItemsUpToItsLimit() {
        final class Buffer {
            let size: Int
            init(_ size: Int) { self.size = size }
        }
        let shelf = BufferShelf<Buffer>(limit: 1)
        let small = shelf.take(where: { $0.size >= 10 }, else: { Buffer(10) })
        shelf.put(small)
        let large = shelf.take(where: { $0.size >= 20 }, else: { Buffer(20) })
        #expect(large !== small && large.size == 20)
        shelf.put(large)
        #expect(shelf.take(where: { $0.size >= 10 }, else: { Buffer(10) }) === small)
        #expect(shelf.take(where: { $0.size >= 10 }, else: { Buffer(11) }).size == 11)
    }
}
