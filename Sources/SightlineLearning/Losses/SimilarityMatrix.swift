import Foundation
import SightlineEngine

/// S = A·Bᵀ for track embeddings A [n × d] and text embeddings B [m × d]: cosine similarities when
/// both are unit rows (`L2Normalize`). Row i of S holds track i against every text; the diagonal pairs
/// each track with its own description.
public enum SimilarityMatrix {
    public static func forward(_ a: Tensor, _ b: Tensor) -> Tensor {
        let d = a.shape.last ?? 0, n = a.rows(width: d), m = b.rows(width: d)
        var s = [Float](repeating: 0, count: n * m)
        a.data.withUnsafeBufferPointer { a in
            b.data.withUnsafeBufferPointer { b in
                s.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedB(m: n, n: m, k: d, a: a.baseAddress!, lda: d, b: b.baseAddress!, ldb: d, c: c.baseAddress!, ldc: m)
                }
            }
        }
        return Tensor(shape: [n, m], data: s)
    }

    /// dA = dS·B and dB = dSᵀ·A.
    public static func backward(_ gradient: Tensor, _ a: Tensor, _ b: Tensor) -> (a: Tensor, b: Tensor) {
        let d = a.shape.last ?? 0, n = a.rows(width: d), m = b.rows(width: d)
        precondition(gradient.shape == [n, m], "similarity gradient \(gradient.shape), expected [\(n), \(m)]")
        var da = [Float](repeating: 0, count: n * d)
        var db = [Float](repeating: 0, count: m * d)
        gradient.data.withUnsafeBufferPointer { ds in
            b.data.withUnsafeBufferPointer { b in
                da.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(m: n, n: d, k: m, a: ds.baseAddress!, lda: m, b: b.baseAddress!, ldb: d, c: c.baseAddress!, ldc: d)
                }
            }
            a.data.withUnsafeBufferPointer { a in
                db.withUnsafeMutableBufferPointer { c in
                    BLAS.gemmTransposedA(m: m, n: d, k: n, a: ds.baseAddress!, lda: m, b: a.baseAddress!, ldb: d, c: c.baseAddress!, ldc: d)
                }
            }
        }
        return (Tensor(shape: a.shape, data: da), Tensor(shape: b.shape, data: db))
    }
}

/// log Σ exp over `values`, shifted by their maximum so that no term overflows.
func logSumExp(_ values: [Double]) -> Double {
    guard let peak = values.max(), peak > -.infinity else { return -.infinity }
    return peak + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - peak) })
}
