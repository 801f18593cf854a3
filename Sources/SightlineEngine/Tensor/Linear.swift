/// A fully connected layer y = x·Wᵀ + b.
///
/// Few rows (one sentence) run `PanelGEMM` on the weight packed at load into column panels;
/// more rows run SGEMM on PyTorch's [out × in] layout, whose AVX-512 kernels win once the
/// product is large enough to amortise SGEMM's repacking. Both layouts are kept.
struct Linear: Sendable {
    /// PyTorch's [out × in] weight, for SGEMM.
    let weight: [Float]
    /// The weight as `PanelGEMM` panels.
    let panels: [Float]
    /// The bias padded with zeros to whole panels.
    let bias: [Float]
    let inFeatures: Int
    let outFeatures: Int

    init(weight: Tensor, bias: Tensor) {
        self.init(weights: [weight], biases: [bias])
    }

    /// One layer computing several layers of the same input side by side: their outputs are
    /// concatenated in order (as for attention's query, key and value projections).
    init(weights: [Tensor], biases: [Tensor]) {
        let inFeatures = weights[0].shape[1]
        let outFeatures = weights.reduce(0) { $0 + $1.shape[0] }
        precondition(weights.allSatisfy { $0.shape[1] == inFeatures }, "stacked linear layers need one input width")
        self.weight = weights.flatMap(\.data)
        self.panels = PanelGEMM.packPanels(weight, n: outFeatures, k: inFeatures)
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
