import Glibc

/// Element-wise activations used by the models, applied in place.
public enum Activation {
    /// ReLU6, min(max(x, 0), 6): MobileNetV2's quantisation-friendly ReLU (Sandler et al., 2018).
    static func relu6(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = min(max(x[i], 0), 6) }
    }

    /// GELU in the exact erf form used by BERT: x · ½ (1 + erf(x / √2)) (Hendrycks & Gimpel, 2016),
    /// eight lanes at a time with a rational erf approximation (|error| < 2e-7).
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i &+ 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: gelu(v), as: SIMD8<Float>.self)
            i &+= 8
        }
        while i < count {
            x[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752))
            i &+= 1
        }
    }

    /// GELU of eight lanes, as `gelu(_:count:)` computes it.
    @inline(__always)
    static func gelu(_ v: SIMD8<Float>) -> SIMD8<Float> {
        0.5 * v * (1 + erf(v * 0.70710678118654752))
    }

    /// erf(x) as x·P(x²)/Q(x²) on [−4, 4] (the float approximation of Eigen's `generic_fast_erf_float`).
    @inlinable @inline(__always)
    public static func erf(_ value: SIMD8<Float>) -> SIMD8<Float> {
        var x = value
        x.replace(with: SIMD8(repeating: 4), where: x .> 4)
        x.replace(with: SIMD8(repeating: -4), where: x .< -4)
        let x2 = x * x
        var p = SIMD8<Float>(repeating: -2.72614225801306e-10) * x2 + SIMD8(repeating: 2.77068142495902e-08)
        p = p * x2 + SIMD8(repeating: -2.10102402082508e-06)
        p = p * x2 + SIMD8(repeating: -5.69250639462346e-05)
        p = p * x2 + SIMD8(repeating: -7.34990630326855e-04)
        p = p * x2 + SIMD8(repeating: -2.95459980854025e-03)
        p = p * x2 + SIMD8(repeating: -1.60960333262415e-02)
        var q = SIMD8<Float>(repeating: -1.45660718464996e-05) * x2 + SIMD8(repeating: -2.13374055278905e-04)
        q = q * x2 + SIMD8(repeating: -1.68282697438203e-03)
        q = q * x2 + SIMD8(repeating: -7.37332916720468e-03)
        q = q * x2 + SIMD8(repeating: -1.42647390514189e-02)
        return x * p / q
    }

    /// Numerically stable softmax over each row of a `rows × cols` matrix with row stride `stride`.
    static func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int) {
        for r in 0..<rows {
            let row = x + r * stride
            var peak = -Float.infinity
            for c in 0..<cols { peak = max(peak, row[c]) }
            var sum: Float = 0
            for c in 0..<cols {
                let e = expf(row[c] - peak)
                row[c] = e
                sum += e
            }
            let inv = 1 / sum
            for c in 0..<cols { row[c] *= inv }
        }
    }
}
