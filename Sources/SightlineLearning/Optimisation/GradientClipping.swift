/// Global-norm gradient clipping, as `torch.nn.utils.clip_grad_norm_`: when the L2 norm over every
/// gradient element exceeds `maxNorm`, all gradients are scaled by maxNorm / (norm + 1e-6).
public enum GradientClipping {
    /// Clips `gradients` in place and returns their norm before clipping.
    @discardableResult
    public static func clipGlobalNorm<G: Parameterized>(_ gradients: inout G, maxNorm: Float) -> Float {
        var squares = 0.0
        for (_, tensor) in gradients.namedParameters {
            for value in tensor.data { squares += Double(value) * Double(value) }
        }
        let norm = Float(squares.squareRoot())
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 { gradients.scale(by: factor) }
        return norm
    }
}
