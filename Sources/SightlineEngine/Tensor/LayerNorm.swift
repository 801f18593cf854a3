/// Layer normalisation over the last dimension (Ba, Kiros & Hinton, 2016), as in BERT.
struct LayerNorm: Sendable {
    let gamma: [Float]
    let beta: [Float]
    let epsilon: Float

    /// Normalises each of `rows` rows of width `gamma.count` in place.
    func callAsFunction(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        let width = gamma.count
        gamma.withUnsafeBufferPointer { g in
            beta.withUnsafeBufferPointer { b in
                for r in 0..<rows {
                    let row = x + r * width
                    var mean: Float = 0
                    for i in 0..<width { mean += row[i] }
                    mean /= Float(width)
                    var variance: Float = 0
                    for i in 0..<width {
                        let d = row[i] - mean
                        variance += d * d
                    }
                    variance /= Float(width)
                    let scale = 1 / (variance + epsilon).squareRoot()
                    for i in 0..<width { row[i] = (row[i] - mean) * scale * g[i] + b[i] }
                }
            }
        }
    }
}
