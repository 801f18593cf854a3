import SightlineEngineAVX512

/// A fully connected layer y = x·Wᵀ + b.
///
/// Few rows (one sentence) run a register-tiled kernel on the weight packed at load: `ChannelsLastAVX512`'s
/// 1×1 product where the CPU has AVX-512 and the widths are whole vectors, else `PanelGEMM`'s column panels.
/// More rows run SGEMM on PyTorch's [out × in] layout, whose kernels win once the product is large enough
/// to amortise SGEMM's repacking. Both layouts are kept.
struct Linear: Sendable {
    /// PyTorch's [out × in] weight, for SGEMM.
    let weight: [Float]
    /// The weight as `PanelGEMM` panels, or empty where `vectorBlocks` is used.
    let panels: [Float]
    /// The weight packed by `ChannelsLastAVX512.packPointwise` where the CPU has AVX-512, else empty.
    let vectorBlocks: [Float]
    /// The bias padded with zeros to whole panels.
    let bias: [Float]
    let inFeatures: Int
    let outFeatures: Int

    init(weight: Tensor, bias: Tensor) {
        self.init(weights: [weight], biases: [bias])
    }

    /// One layer computing several layers of the same input side by side: their outputs are
    /// concatenated in order (as for attention's query, key and value projections).
    /// `avx512` packs for `ChannelsLastAVX512`; it must only be true where `BLASKernels.avx512` is.
    init(weights: [Tensor], biases: [Tensor], avx512: Bool = BLASKernels.avx512) {
        let inFeatures = weights[0].shape[1]
        let outFeatures = weights.reduce(0) { $0 + $1.shape[0] }
        precondition(weights.allSatisfy { $0.shape[1] == inFeatures }, "stacked linear layers need one input width")
        self.weight = weights.flatMap(\.data)
        let vectors = avx512 && outFeatures % ChannelsLastAVX512.lanes == 0 && inFeatures % ChannelsLastAVX512.lanes == 0
        self.vectorBlocks = vectors ? ChannelsLastAVX512.packPointwise(weight, n: outFeatures, k: inFeatures) : []
        self.panels = vectors ? [] : PanelGEMM.packPanels(weight, n: outFeatures, k: inFeatures)
        let panelCount = (outFeatures + PanelGEMM.width - 1) / PanelGEMM.width
        self.bias = biases.flatMap(\.data) + [Float](repeating: 0, count: panelCount * PanelGEMM.width - outFeatures)
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
    }

    /// Rows up to which `PanelGEMM` beats SGEMM: two tiles.
    static let maxPanelRows = 2 * PanelGEMM.maxTileRows

    /// Floats of scratch a call with `rows` input rows needs.
    func scratchCount(rows: Int) -> Int { rows <= Self.maxPanelRows ? rows * inFeatures : 0 }

    /// Writes (or with `.accumulate` adds) `rows × outFeatures` outputs for `rows × inFeatures`
    /// inputs, splitting the outputs across `threads` workers. `scratch` holds
    /// `scratchCount(rows:)` floats; without it the call allocates its own.
    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, threads: Int = 1,
                        epilogue: PanelGEMM.Epilogue = .store, scratch: UnsafeMutablePointer<Float>? = nil) {
        guard rows > 0 else { return }
        let slices = threads > 1 && rows * inFeatures * outFeatures >= 1 << 18 ? threads : 1
        if rows > Self.maxPanelRows {
            productSGEMM(x, rows: rows, into: y, slices: slices, epilogue: epilogue)
            return
        }
        if !vectorBlocks.isEmpty {
            productAVX512(x, rows: rows, into: y, slices: slices, epilogue: epilogue)
            return
        }
        let packed = scratch ?? .allocate(capacity: scratchCount(rows: rows))
        defer { if scratch == nil { packed.deallocate() } }
        PanelGEMM.packRows(x, m: rows, k: inFeatures, lda: inFeatures, into: packed)
        let panelCount = (outFeatures + PanelGEMM.width - 1) / PanelGEMM.width
        let (input, output) = (SendablePointer(packed), SendablePointer(y))
        let (m, n, k) = (rows, outFeatures, inFeatures)
        panels.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let weights = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                Parallel.chunks(panelCount, threads: slices) { start, end in
                    PanelGEMM.multiply(m: m, n: n, k: k, packedA: input.base, panels: start..<end,
                                       b: weights.base, bias: biases.base, c: output.base, ldc: n, epilogue: epilogue)
                }
            }
        }
    }

    /// The AVX-512 path, split by blocks of 64 outputs; GELU is applied by each worker to its slice.
    private func productAVX512(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                               slices: Int, epilogue: PanelGEMM.Epilogue) {
        let input = SendablePointer(UnsafeMutablePointer(mutating: x)), output = SendablePointer(y)
        let (n, k) = (outFeatures, inFeatures)
        let blocks = (n + ChannelsLastAVX512.blockChannels - 1) / ChannelsLastAVX512.blockChannels
        let accumulate = if case .accumulate = epilogue { true } else { false }
        let gelu = if case .gelu = epilogue { true } else { false }
        vectorBlocks.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let weights = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                Parallel.chunks(blocks, threads: slices) { start, end in
                    ChannelsLastAVX512.pointwise(input: input.base, k: k, weight: weights.base, np: n, bias: biases.base,
                                                 residual: nil, relu6: false, addToOutput: accumulate, output: output.base,
                                                 rows: 0..<rows, blocks: start..<end)
                    guard gelu else { return }
                    let first = start * ChannelsLastAVX512.blockChannels, last = min(n, end * ChannelsLastAVX512.blockChannels)
                    for r in 0..<rows { Activation.gelu(output.base + r * n + first, count: last - first) }
                }
            }
        }
    }

    /// The SGEMM path: each worker writes its slice of outputs as bias (or output + bias),
    /// lets a single-threaded SGEMM accumulate onto it, then applies GELU when asked.
    private func productSGEMM(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>,
                              slices: Int, epilogue: PanelGEMM.Epilogue) {
        let input = SendablePointer(UnsafeMutablePointer(mutating: x)), output = SendablePointer(y)
        let (n, k) = (outFeatures, inFeatures)
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let weights = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                let blocks = max(1, n / 16)
                Parallel.chunks(blocks, threads: slices) { start, end in
                    let first = start * 16
                    let last = end == blocks ? n : end * 16
                    for r in 0..<rows {
                        let row = output.base + r * n
                        if case .accumulate = epilogue {
                            for j in first..<last { row[j] += biases.base[j] }
                        } else {
                            for j in first..<last { row[j] = biases.base[j] }
                        }
                    }
                    BLAS.gemmTransposedB(m: rows, n: last - first, k: k, a: input.base, lda: k,
                                         b: weights.base + first * k, ldb: k, c: output.base + first, ldc: n, accumulate: true)
                    if case .gelu = epilogue {
                        for r in 0..<rows { Activation.gelu(output.base + r * n + first, count: last - first) }
                    }
                }
            }
        }
    }
}
