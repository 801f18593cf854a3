/// A fully connected layer y = x·Wᵀ + b with the weight in PyTorch's [out × in] layout.
struct Linear: Sendable {
    let weight: [Float]
    let bias: [Float]
    let inFeatures: Int
    let outFeatures: Int

    init(weight: Tensor, bias: Tensor) {
        self.weight = weight.data
        self.bias = bias.data
        self.outFeatures = weight.shape[0]
        self.inFeatures = weight.shape[1]
    }

    /// Writes `rows × outFeatures` outputs for `rows × inFeatures` inputs, splitting the output
    /// features across `threads` workers (each a single-threaded SGEMM on its slice of the weight).
    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, threads: Int = 1) {
        let input = SendablePointer(UnsafeMutablePointer(mutating: x)), output = SendablePointer(y)
        let slices = threads > 1 && rows * inFeatures * outFeatures >= 1 << 18 ? threads : 1
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                let weights = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                let biases = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                let blocks = max(1, outFeatures / 16)
                Parallel.chunks(blocks, threads: slices) { start, end in
                    let first = start * 16
                    let last = end == blocks ? outFeatures : end * 16
                    product(input.base, rows: rows, weight: weights.base, bias: biases.base,
                            outputs: first..<last, into: output.base)
                }
            }
        }
    }

    private func product(_ x: UnsafePointer<Float>, rows: Int, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                         outputs: Range<Int>, into y: UnsafeMutablePointer<Float>) {
        // [rows × in] · [outputs × in]ᵀ -> [rows × outputs] within the [rows × out] result
        if rows <= SkinnyGEMM.maxRows {
            SkinnyGEMM.multiplyTransposed(m: rows, n: outputs.count, k: inFeatures,
                                          a: x, lda: inFeatures, b: weight + outputs.lowerBound * inFeatures, ldb: inFeatures,
                                          c: y + outputs.lowerBound, ldc: outFeatures)
        } else {
            BLAS.gemmTransposedB(m: rows, n: outputs.count, k: inFeatures,
                                 a: x, lda: inFeatures, b: weight + outputs.lowerBound * inFeatures, ldb: inFeatures,
                                 c: y + outputs.lowerBound, ldc: outFeatures)
        }
        for r in 0..<rows {
            let row = y + r * outFeatures
            for j in outputs { row[j] += bias[j] }
        }
    }
}
