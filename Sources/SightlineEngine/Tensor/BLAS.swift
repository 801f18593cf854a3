import COpenBLAS
import Foundation

/// Matrix products through OpenBLAS, one function per call shape.
///
/// Every product in the engine and in SightlineLearning goes through these functions so that
/// the shapes and transpositions are written down once.
public enum BLAS {
    /// Evaluated once before the first OpenBLAS call; see `BLASKernels.upgradeFallback`.
    private static let kernels: Void = BLASKernels.upgradeFallback()

    /// C[m×n] = A[m×k] · B[k×n] (+ C when `accumulate`), all row-major with leading dimensions given.
    public static func gemm(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false
    ) {
        sgemm(CblasNoTrans, CblasNoTrans, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// C[m×n] = alpha · A[m×k] · B[n×k]ᵀ (+ C when `accumulate`), row-major; the shape of
    /// `torch.nn.Linear` (weight is [out×in]).
    public static func gemmTransposedB(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false
    ) {
        sgemm(CblasNoTrans, CblasTrans, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }

    /// C[m×n] = A[k×m]ᵀ · B[k×n] (+ C when `accumulate`), row-major; the weight gradient
    /// of a linear layer, dW = dYᵀ · X, summed over the rows of a batch.
    public static func gemmTransposedA(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        accumulate: Bool = false
    ) {
        sgemm(CblasTrans, CblasNoTrans, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
    }

    private static func sgemm(
        _ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    ) {
        _ = kernels
        cblas_sgemm(CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    accumulate ? 1 : 0, c, Int32(ldc))
    }

    /// Sets how many threads OpenBLAS may use for one product.
    public static func setThreads(_ count: Int) {
        _ = kernels
        openblas_set_num_threads(Int32(max(1, count)))
    }
}

/// The CPU kernels a DYNAMIC_ARCH OpenBLAS runs.
///
/// OpenBLAS picks its kernels from the CPU model number and falls back to its SSE3
/// "Prescott" kernels for models it predates (0.3.21 does not know Emerald Rapids), which
/// makes every product several times slower. When that fallback is in effect, the CPU has
/// the instructions of a known core and `OPENBLAS_CORETYPE` is unset, the selection is
/// rerun with that core forced: what setting the variable before launch would have done.
enum BLASKernels {
    static func upgradeFallback() {
        guard String(cString: openblas_get_corename()) == "Prescott",
              ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              let core = core(flags: flags),
              let program = dlopen(nil, RTLD_NOW),
              let quit = dlsym(program, "gotoblas_dynamic_quit"),
              let initialise = dlsym(program, "gotoblas_dynamic_init") else { return }
        typealias Entry = @convention(c) () -> Void
        setenv("OPENBLAS_CORETYPE", core, 1)
        unsafeBitCast(quit, to: Entry.self)()
        unsafeBitCast(initialise, to: Entry.self)()
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// Whether the CPU runs the instructions `SightlineEngineAVX512` is built for.
    static let avx512 = core(flags: flags) == "SkylakeX"

    /// The instruction-set flags Linux reports for the first CPU, read once.
    private static let flags = cpuFlags()

    /// The fastest OpenBLAS x86-64 core type whose instructions all of `flags` provide.
    static func core(flags: Set<Substring>) -> String? {
        if flags.isSuperset(of: ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The instruction-set flags Linux reports for the first CPU.
    private static func cpuFlags() -> Set<Substring> {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " "))
    }
}
