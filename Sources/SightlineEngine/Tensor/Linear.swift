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

    /// Writes `rows × outFeatures` outputs for `rows × inFeatures` inputs.
    func callAsFunction(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        weight.withUnsafeBufferPointer { w in
            // [rows × in] · [out × in]ᵀ -> [rows × out]
            BLAS.gemmTransposedB(m: rows, n: outFeatures, k: inFeatures,
                                 a: x, lda: inFeatures, b: w.baseAddress!, ldb: inFeatures,
                                 c: y, ldc: outFeatures)
        }
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows {
                let row = y + r * outFeatures
                for j in 0..<outFeatures { row[j] += b[j] }
            }
        }
    }
}
