/// out[m×n] = W[m×k] · X[k×n] with AVX-512, for convolutions as matrix products in [channels × spatial] layout.
///
/// Built for a CPU with AVX-512 and called only after the engine has checked `/proc/cpuinfo`, so
/// nothing here is inlinable into the AVX2 module. W is packed once into groups of six output
/// channels; a tile keeps 6 channels × up to 64 positions in 24 zmm accumulators, broadcasting weights
/// from its k-major group and reading the input straight from the activation (a partial last tile
/// from a zero-padded copy), and applies bias, residual and ReLU6 as it stores, writing each output once.
public enum PointwiseAVX512 {
    /// Output channels per tile.
    public static let rows = 6
    /// Positions per full tile: four zmm vectors.
    public static let columns = 64

    /// W [m×k] row-major as ⌈m/6⌉ groups of k×6 (k-major), the last one zero-padded.
    public static func pack(_ w: UnsafePointer<Float>, m: Int, k: Int) -> [Float] {
        let groups = (m + rows - 1) / rows
        var packed = [Float](repeating: 0, count: groups * k * rows)
        for o in 0..<m {
            let (group, lane) = o.quotientAndRemainder(dividingBy: rows)
            for i in 0..<k { packed[(group * k + i) * rows + lane] = w[o * k + i] }
        }
        return packed
    }

    /// Rows of groups `groups` and columns `span` (starting at a multiple of 64, or ending at n) of the product.
    /// `bias` nil leaves the raw product, without ReLU6, for a consumer to finish.
    public static func multiply(weight: UnsafePointer<Float>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                                m: Int, k: Int, n: Int, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                                relu6: Bool, groups: Range<Int>, span: Range<Int>) {
        let p = Problem(weight: weight, input: input, output: output, m: m, k: k, n: n, bias: bias, residual: residual,
                        relu6: relu6 && bias != nil)
        let block = max(columns, blockFloats / k / columns * columns)
        var first = span.lowerBound
        while first < span.upperBound {
            let last = min(span.upperBound, first &+ block)
            let full = first &+ (last &- first) / columns &* columns
            for g in groups {
                var j = first
                while j < full {
                    Tile<4>.multiply(k: k, w: p.weight(g), x: input + j, ldx: n, p.target(group: g, column: j))
                    j &+= columns
                }
            }
            if full < last { tail(p, groups: groups, column: full, count: last &- full) }
            first = last
        }
    }

    /// Input floats per block of columns: a block is multiplied by every channel group in turn, so
    /// its input stays in L1 and each group writes its six output rows in long runs.
    static let blockFloats = 1 << 13

    /// The last `count` (< 64) columns from `column` on, from a zero-padded copy of the input.
    private static func tail(_ p: Problem, groups: Range<Int>, column j: Int, count rest: Int) {
        let k = p.k, n = p.n, input = p.input
        let vectors = (rest &+ 15) >> 4, width = vectors &* 16
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k &* width) { buffer in
            let x = buffer.baseAddress!
            for i in 0..<k {
                let row = x + i &* width
                row.initialize(repeating: 0, count: width)
                row.update(from: input + (i &* n &+ j), count: rest)
            }
            for g in groups {
                let w = p.weight(g), t = p.target(group: g, column: j)
                switch vectors {
                case 1: Tile<1>.multiply(k: k, w: w, x: x, ldx: width, t)
                case 2: Tile<2>.multiply(k: k, w: w, x: x, ldx: width, t)
                case 3: Tile<3>.multiply(k: k, w: w, x: x, ldx: width, t)
                default: Tile<4>.multiply(k: k, w: w, x: x, ldx: width, t)
                }
            }
        }
    }
}

struct Problem {
    let weight: UnsafePointer<Float>
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let m: Int
    let k: Int
    let n: Int
    let bias: UnsafePointer<Float>?
    let residual: UnsafePointer<Float>?
    let relu6: Bool

    @inline(__always)
    func weight(_ group: Int) -> UnsafePointer<Float> { weight + group &* k &* PointwiseAVX512.rows }

    @inline(__always)
    func target(group: Int, column: Int) -> Target {
        let first = group &* PointwiseAVX512.rows, offset = first &* n &+ column
        return Target(output: output + offset, ldc: n, rows: min(PointwiseAVX512.rows, m &- first), columns: n &- column,
                      bias: bias.map { $0 + first }, residual: residual.map { $0 + offset }, relu6: relu6)
    }
}

/// Where a tile's block goes and how it is finished; `rows` and `columns` bound what is valid.
struct Target {
    let output: UnsafeMutablePointer<Float>
    let ldc: Int
    let rows: Int
    let columns: Int
    let bias: UnsafePointer<Float>?
    let residual: UnsafePointer<Float>?
    let relu6: Bool

    @inline(__always)
    func store(_ value: SIMD16<Float>, row: Int, vector: Int) {
        let offset = row &* ldc &+ vector &* 16
        let lanes = min(16, columns &- vector &* 16)
        guard row < rows, lanes > 0 else { return }
        var v = value
        if let bias { v += bias[row] }
        if let residual {
            if lanes == 16 {
                v += UnsafeRawPointer(residual + offset).loadUnaligned(as: SIMD16<Float>.self)
            } else {
                for lane in 0..<lanes { v[lane] += residual[offset &+ lane] }
            }
        }
        if relu6 {
            v.replace(with: 0, where: v .< 0)
            v.replace(with: 6, where: v .> 6)
        }
        if lanes == 16 {
            UnsafeMutableRawPointer(output + offset).storeBytes(of: v, as: SIMD16<Float>.self)
        } else {
            for lane in 0..<lanes { output[offset &+ lane] = v[lane] }
        }
    }
}

/// Six channels × 16·`vectors` positions of the product in registers.
struct Tile<let vectors: Int> {
    @inline(never)
    static func multiply(k: Int, w: UnsafePointer<Float>, x: UnsafePointer<Float>, ldx: Int, _ t: Target) {
        var acc = InlineArray<6, InlineArray<vectors, SIMD16<Float>>>(repeating: .init(repeating: SIMD16()))
        var wp = w, xp = x
        for _ in 0..<k {
            var v = InlineArray<vectors, SIMD16<Float>>(repeating: SIMD16())
            for q in 0..<vectors { v[q] = UnsafeRawPointer(xp + q &* 16).loadUnaligned(as: SIMD16<Float>.self) }
            for r in 0..<6 {
                let b = SIMD16<Float>(repeating: wp[r])
                for q in 0..<vectors { acc[r][q] = acc[r][q].addingProduct(b, v[q]) }
            }
            wp += 6
            xp += ldx
        }
        for r in 0..<6 {
            for q in 0..<vectors { t.store(acc[r][q], row: r, vector: q) }
        }
    }
}
