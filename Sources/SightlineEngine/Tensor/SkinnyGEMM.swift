/// C = A·Bᵀ for few rows of A, streaming B once.
///
/// SGEMM repacks B on every call, which for a handful of rows (one sentence through a
/// `Linear` layer) costs more than the product itself. This kernel instead keeps a 4-row
/// block of B in L1 and sweeps all rows of A against it, two rows at a time, with FMA.
enum SkinnyGEMM {
    /// Rows of A up to which this kernel beats SGEMM.
    static let maxRows = 48

    /// C[m×n] = A[m×k] · B[n×k]ᵀ, row-major with leading dimensions `lda`, `ldb`, `ldc`.
    static func multiplyTransposed(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var o = 0
        while o &+ 4 <= n {
            var r = 0
            while r &+ 2 <= m {
                block2x4(k: k, a: a + r &* lda, lda: lda, b: b + o &* ldb, ldb: ldb, c: c + (r &* ldc &+ o), ldc: ldc)
                r &+= 2
            }
            if r < m {
                block1x4(k: k, a: a + r &* lda, b: b + o &* ldb, ldb: ldb, c: c + (r &* ldc &+ o))
            }
            o &+= 4
        }
        while o < n {
            for r in 0..<m { c[r &* ldc &+ o] = dot(a + r &* lda, b + o &* ldb, k) }
            o &+= 1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    private static func block2x4(k: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                                 c: UnsafeMutablePointer<Float>, ldc: Int) {
        let a0 = a, a1 = a + lda
        let b0 = b, b1 = b + ldb, b2 = b + 2 &* ldb, b3 = b + 3 &* ldb
        var s00 = SIMD8<Float>(), s01 = SIMD8<Float>(), s02 = SIMD8<Float>(), s03 = SIMD8<Float>()
        var s10 = SIMD8<Float>(), s11 = SIMD8<Float>(), s12 = SIMD8<Float>(), s13 = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= k {
            let x0 = load(a0 + i), x1 = load(a1 + i)
            let w0 = load(b0 + i), w1 = load(b1 + i), w2 = load(b2 + i), w3 = load(b3 + i)
            s00 = s00.addingProduct(x0, w0); s01 = s01.addingProduct(x0, w1)
            s02 = s02.addingProduct(x0, w2); s03 = s03.addingProduct(x0, w3)
            s10 = s10.addingProduct(x1, w0); s11 = s11.addingProduct(x1, w1)
            s12 = s12.addingProduct(x1, w2); s13 = s13.addingProduct(x1, w3)
            i &+= 8
        }
        var t = [s00.sum(), s01.sum(), s02.sum(), s03.sum(), s10.sum(), s11.sum(), s12.sum(), s13.sum()]
        while i < k {
            for j in 0..<4 {
                t[j] += a0[i] * b[j &* ldb &+ i]
                t[4 &+ j] += a1[i] * b[j &* ldb &+ i]
            }
            i &+= 1
        }
        for j in 0..<4 {
            c[j] = t[j]
            c[ldc &+ j] = t[4 &+ j]
        }
    }

    /// One row of A against four rows of B, in four independent FMA chains.
    @inline(__always)
    private static func block1x4(k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                                 c: UnsafeMutablePointer<Float>) {
        let b0 = b, b1 = b + ldb, b2 = b + 2 &* ldb, b3 = b + 3 &* ldb
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= k {
            let x = load(a + i)
            s0 = s0.addingProduct(x, load(b0 + i)); s1 = s1.addingProduct(x, load(b1 + i))
            s2 = s2.addingProduct(x, load(b2 + i)); s3 = s3.addingProduct(x, load(b3 + i))
            i &+= 8
        }
        var t0 = s0.sum(), t1 = s1.sum(), t2 = s2.sum(), t3 = s3.sum()
        while i < k {
            t0 += a[i] * b0[i]; t1 += a[i] * b1[i]; t2 += a[i] * b2[i]; t3 += a[i] * b3[i]
            i &+= 1
        }
        c[0] = t0; c[1] = t1; c[2] = t2; c[3] = t3
    }

    @inline(__always)
    private static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ k: Int) -> Float {
        var s = SIMD8<Float>()
        var i = 0
        while i &+ 8 <= k {
            s = s.addingProduct(load(x + i), load(y + i))
            i &+= 8
        }
        var total = s.sum()
        while i < k {
            total += x[i] * y[i]
            i &+= 1
        }
        return total
    }
}
