/// C = A·Bᵀ + bias for the products of `Linear`, with B packed once into column panels.
///
/// B [n×k] is stored as ⌈n/8⌉ panels of k×8 floats (the last one zero-padded), so a tile
/// streams its panel contiguously. A is repacked per call into k-major groups of at most
/// `maxTileRows` rows, so a tile keeps all of its rows × 8 outputs in registers and reads
/// its A values from one stream, with no horizontal sums and no repacking of B (which
/// SGEMM does on every call and which dominates when A has a handful of rows).
enum PanelGEMM {
    /// Output columns per panel: one AVX2 vector.
    static let width = 8
    /// Rows per tile: the accumulators plus a weight vector and a broadcast fill the 16 AVX2 registers.
    static let maxTileRows = 14
    /// Panels are swept in chunks of about this many floats (512 KB), which stay in L2 while
    /// every row group passes over them, so each weight comes from memory once per call.
    static let chunkFloats = 1 << 17

    /// What the store step does with a tile's x·Wᵀ + b.
    enum Epilogue: Sendable {
        /// C = result.
        case store
        /// C = GELU(result).
        case gelu
        /// C += result (a residual connection into C).
        case accumulate
    }

    /// B [n×k] row-major (PyTorch's `Linear.weight`) as ⌈n/8⌉ panels of k×8.
    static func packPanels(_ b: [Float], n: Int, k: Int) -> [Float] {
        let panels = (n + width - 1) / width
        var packed = [Float](repeating: 0, count: panels * k * width)
        for j in 0..<n {
            let (panel, lane) = j.quotientAndRemainder(dividingBy: width)
            let base = panel * k * width + lane
            for i in 0..<k { packed[base + i * width] = b[j * k + i] }
        }
        return packed
    }

    /// Rows `start..<end` of row group `g`: groups of `maxTileRows` and a last one of the rest, so
    /// most rows run in full tiles and the rest in a narrow tile over two panels.
    @inline(__always)
    static func group(_ g: Int, of m: Int) -> (start: Int, end: Int) {
        let start = g &* maxTileRows
        return (start, min(m, start &+ maxTileRows))
    }

    /// Copies A [m×k] (leading dimension `lda`) into `packed` [m×k] as row groups, each k-major:
    /// group rows start..<end occupy packed[start·k ..< end·k] with element (r, i) at i·rows + r − start.
    static func packRows(_ a: UnsafePointer<Float>, m: Int, k: Int, lda: Int, into packed: UnsafeMutablePointer<Float>) {
        for g in 0..<(m + maxTileRows - 1) / maxTileRows {
            let (start, end) = group(g, of: m)
            let rows = end &- start
            let source = a + start &* lda, target = packed + start &* k
            var i = 0
            while i &+ width <= k {
                for r in 0..<rows {
                    let v = load(source + (r &* lda &+ i))
                    let column = target + (i &* rows &+ r)
                    for lane in 0..<width { column[lane &* rows] = v[lane] }
                }
                i &+= width
            }
            while i < k {
                for r in 0..<rows { target[i &* rows &+ r] = source[r &* lda &+ i] }
                i &+= 1
            }
        }
    }

    /// C[m × columns] for panels `panels` of B, from A packed by `packRows`; C has leading dimension `ldc`
    /// and `n` valid columns in all (the last panel may be partial); `bias` is padded to whole panels.
    static func multiply(m: Int, n: Int, k: Int, packedA: UnsafePointer<Float>, panels: Range<Int>,
                         b: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                         c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue) {
        let chunk = max(2, chunkFloats / (k &* width))
        var first = panels.lowerBound
        while first < panels.upperBound {
            let last = min(first &+ chunk, panels.upperBound)
            for g in 0..<(m + maxTileRows - 1) / maxTileRows {
                let (start, end) = group(g, of: m)
                let rows = end &- start
                var panel = first
                while panel < last {
                    let column = panel &* width
                    let t = TileTarget(b: b + column &* k, panelStride: k &* width, bias: bias + column,
                                       c: c + (start &* ldc &+ column), ldc: ldc, columns: n &- column, epilogue: epilogue)
                    let wide = rows <= 7 && panel &+ 1 < last
                    tile(rows: rows, wide: wide, k: k, a: packedA + start &* k, t)
                    panel &+= wide ? 2 : 1
                }
            }
            first = last
        }
    }

    /// Runs the tile kernel specialised for `rows`: at least eight accumulators (FMA latency
    /// times throughput) and at most fourteen (with a weight vector and a broadcast, 16 registers).
    @inline(__always)
    private static func tile(rows: Int, wide: Bool, k: Int, a: UnsafePointer<Float>, _ t: TileTarget) {
        if wide {
            switch rows {
            case 7: Tile<7, 2, 1>.multiply(k: k, a: a, t)
            case 6: Tile<6, 2, 1>.multiply(k: k, a: a, t)
            case 5: Tile<5, 2, 1>.multiply(k: k, a: a, t)
            case 4: Tile<4, 2, 1>.multiply(k: k, a: a, t)
            case 3: Tile<3, 2, 2>.multiply(k: k, a: a, t)
            case 2: Tile<2, 2, 2>.multiply(k: k, a: a, t)
            default: Tile<1, 2, 4>.multiply(k: k, a: a, t)
            }
            return
        }
        switch rows {
        case 14: Tile<14, 1, 1>.multiply(k: k, a: a, t)
        case 13: Tile<13, 1, 1>.multiply(k: k, a: a, t)
        case 12: Tile<12, 1, 1>.multiply(k: k, a: a, t)
        case 11: Tile<11, 1, 1>.multiply(k: k, a: a, t)
        case 10: Tile<10, 1, 1>.multiply(k: k, a: a, t)
        case 9: Tile<9, 1, 1>.multiply(k: k, a: a, t)
        case 8: Tile<8, 1, 1>.multiply(k: k, a: a, t)
        case 7: Tile<7, 1, 2>.multiply(k: k, a: a, t)
        case 6: Tile<6, 1, 2>.multiply(k: k, a: a, t)
        case 5: Tile<5, 1, 2>.multiply(k: k, a: a, t)
        case 4: Tile<4, 1, 2>.multiply(k: k, a: a, t)
        case 3: Tile<3, 1, 4>.multiply(k: k, a: a, t)
        case 2: Tile<2, 1, 4>.multiply(k: k, a: a, t)
        default: Tile<1, 1, 4>.multiply(k: k, a: a, t)
        }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
}

/// Where a tile goes: its first panel, bias and output rows, and what to do on store.
struct TileTarget {
    let b: UnsafePointer<Float>
    /// Floats from one panel to the next.
    let panelStride: Int
    let bias: UnsafePointer<Float>
    let c: UnsafeMutablePointer<Float>
    let ldc: Int
    /// Valid output columns from the first panel on (more than the tile covers but for the last panel).
    let columns: Int
    let epilogue: PanelGEMM.Epilogue

    /// Stores `value` (the product without bias) at `row` of panel `panel` within the tile.
    @inline(__always)
    func store(_ value: SIMD8<Float>, row: Int, panel: Int) {
        let offset = panel &* PanelGEMM.width
        let out = c + (row &* ldc &+ offset)
        let columns = min(PanelGEMM.width, self.columns &- offset)
        var v = value + PanelGEMM.load(bias + offset)
        switch epilogue {
        case .store: break
        case .gelu: v = Activation.gelu(v)
        case .accumulate:
            if columns == PanelGEMM.width {
                v += PanelGEMM.load(out)
            } else {
                for lane in 0..<columns { v[lane] += out[lane] }
            }
        }
        if columns == PanelGEMM.width {
            UnsafeMutableRawPointer(out).storeBytes(of: v, as: SIMD8<Float>.self)
        } else {
            for lane in 0..<columns { out[lane] = v[lane] }
        }
    }
}

/// A `rows` × (8 · `panels`) block of C in registers; `ways` interleaved accumulator sets over k
/// keep enough FMA chains in flight when there are few rows.
struct Tile<let rows: Int, let panels: Int, let ways: Int> {
    @inline(never)
    static func multiply(k: Int, a: UnsafePointer<Float>, _ t: TileTarget) {
        var acc = InlineArray<ways, InlineArray<panels, InlineArray<rows, SIMD8<Float>>>>(
            repeating: .init(repeating: .init(repeating: SIMD8())))
        var p = t.b, x = a
        var i = 0
        while i &+ ways <= k {
            for w in 0..<ways {
                var weights = InlineArray<panels, SIMD8<Float>>(repeating: SIMD8())
                for q in 0..<panels { weights[q] = PanelGEMM.load(p + (q &* t.panelStride &+ w &* PanelGEMM.width)) }
                for r in 0..<rows {
                    let value = SIMD8<Float>(repeating: x[w &* rows &+ r])
                    for q in 0..<panels { acc[w][q][r] = acc[w][q][r].addingProduct(value, weights[q]) }
                }
            }
            p += ways &* PanelGEMM.width
            x += ways &* rows
            i &+= ways
        }
        while i < k {
            for r in 0..<rows {
                let value = SIMD8<Float>(repeating: x[r])
                for q in 0..<panels {
                    acc[0][q][r] = acc[0][q][r].addingProduct(value, PanelGEMM.load(p + q &* t.panelStride))
                }
            }
            p += PanelGEMM.width
            x += rows
            i &+= 1
        }
        for q in 0..<panels {
            for r in 0..<rows {
                var sum = acc[0][q][r]
                for w in 1..<ways { sum += acc[w][q][r] }
                t.store(sum, row: r, panel: q)
            }
        }
    }
}
