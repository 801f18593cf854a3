import Glibc

/// Element-wise activations used by the models, applied in place.
enum Activation {
    /// ReLU6, min(max(x, 0), 6): MobileNetV2's quantisation-friendly ReLU (Sandler et al., 2018).
    static func relu6(_ x: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { x[i] = min(max(x[i], 0), 6) }
    }

    /// GELU in the exact erf form used by BERT: x · ½ (1 + erf(x / √2)) (Hendrycks & Gimpel, 2016).
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        let invSqrt2: Float = 0.70710678118654752
        for i in 0..<count {
            let v = x[i]
            x[i] = 0.5 * v * (1 + erff(v * invSqrt2))
        }
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
