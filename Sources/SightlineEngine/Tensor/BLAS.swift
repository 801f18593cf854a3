import COpenBLAS

/// Matrix products through OpenBLAS, one function per call shape.
///
/// Every product in the engine goes through these functions so that the shapes
/// and transpositions are written down once.
enum BLAS {
    /// C[m×n] = A[m×k] · B[k×n] (+ C when `accumulate`), all row-major with leading dimensions given.
    static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb),
                    accumulate ? 1 : 0, c, Int32(ldc))
    }

    /// C[m×n] = alpha · A[m×k] · B[n×k]ᵀ, row-major; the shape of `torch.nn.Linear` (weight is [out×in]).
    static func gemmTransposedB(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    0, c, Int32(ldc))
    }

    /// Sets how many threads OpenBLAS may use for one product.
    static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }
}
