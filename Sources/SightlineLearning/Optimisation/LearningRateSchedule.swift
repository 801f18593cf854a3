/// Linear warm-up, then step decay: the rate rises from base/warmup to base over the first `warmupSteps`
/// steps, then is multiplied by `gamma` every `decayEvery` steps (torch's `LambdaLR` with that factor).
public struct WarmupStepDecay: Sendable, Equatable {
    public var baseRate: Float
    public var warmupSteps: Int
    public var decayEvery: Int
    public var gamma: Float

    public init(baseRate: Float, warmupSteps: Int, decayEvery: Int, gamma: Float = 0.1) {
        precondition(warmupSteps >= 0 && decayEvery > 0 && gamma > 0, "schedule warm-up \(warmupSteps), decay every \(decayEvery), gamma \(gamma)")
        self.baseRate = baseRate
        self.warmupSteps = warmupSteps
        self.decayEvery = decayEvery
        self.gamma = gamma
    }

    /// The rate of step `step`, counted from 0.
    public func rate(at step: Int) -> Float {
        if step < warmupSteps { return baseRate * Float(step + 1) / Float(warmupSteps) }
        var rate = baseRate
        for _ in 0..<((step - warmupSteps) / decayEvery) { rate *= gamma }
        return rate
    }
}
