/// Layer normalisation over the last dimension (Ba, Kiros & Hinton, 2016), as in BERT.
struct LayerNorm: Sendable {
    let gamma: [Float]
    let beta: [Float]
    let epsilon: Float

    /// Normalises each of `rows` rows of width `gamma.count` in place, eight lanes at a time.
    func callAsFunction(_ x: UnsafeMutablePointer<Float>, rows: Int) {
        let width = gamma.count
        let vectorEnd = width & ~7
        gamma.withUnsafeBufferPointer { g in
            beta.withUnsafeBufferPointer { b in
                let (g, b) = (g.baseAddress!, b.baseAddress!)
                for r in 0..<rows {
                    let row = x + r &* width
                    var sums = SIMD8<Float>()
                    var i = 0
                    while i < vectorEnd { sums += load(row + i); i &+= 8 }
                    var mean = sums.sum()
                    while i < width { mean += row[i]; i &+= 1 }
                    mean /= Float(width)
                    var squares = SIMD8<Float>()
                    i = 0
                    while i < vectorEnd {
                        let d = load(row + i) - mean
                        squares = squares.addingProduct(d, d)
                        i &+= 8
                    }
                    var variance = squares.sum()
                    while i < width { variance += (row[i] - mean) * (row[i] - mean); i &+= 1 }
                    variance /= Float(width)
                    let scale = 1 / (variance + epsilon).squareRoot()
                    i = 0
                    while i < vectorEnd {
                        let y = (load(row + i) - mean) * scale * load(g + i) + load(b + i)
                        UnsafeMutableRawPointer(row + i).storeBytes(of: y, as: SIMD8<Float>.self)
                        i &+= 8
                    }
                    while i < width { row[i] = (row[i] - mean) * scale * g[i] + b[i]; i &+= 1 }
                }
            }
        }
    }

    @inline(__always)
    private func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}
