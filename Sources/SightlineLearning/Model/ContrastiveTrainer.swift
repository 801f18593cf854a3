import SightlineData
import SightlineEngine

/// The training loop's state for `TwoTowers`: forward and backward over a batch, global-norm clipping,
/// an AdamW step at the schedule's rate, CLIP's clamp of the logit scale. Everything random comes from
/// one seeded generator, so the same seed and batches give bit-identical weights.
public struct ContrastiveTrainer: Sendable {
    public var model: TwoTowers
    public var optimizer = AdamW()
    public var schedule: WarmupStepDecay
    public var maxGradientNorm: Float
    public var lossWeights: TwoTowers.LossWeights
    /// Draws the dropout masks.
    public private(set) var generator: SplitMix64
    /// Steps taken so far.
    public private(set) var step = 0

    public init(model: TwoTowers, schedule: WarmupStepDecay, maxGradientNorm: Float = 1,
                lossWeights: TwoTowers.LossWeights = .init(), seed: UInt64) {
        self.model = model
        self.schedule = schedule
        self.maxGradientNorm = maxGradientNorm
        self.lossWeights = lossWeights
        self.generator = SplitMix64(seed: seed)
        HeapRetention.enable()
    }

    /// Restarts the dropout masks from `seed`: a training run reseeds at each epoch, so that
    /// resuming from a checkpoint continues exactly as the uninterrupted run would.
    public mutating func reseed(_ seed: UInt64) { generator = SplitMix64(seed: seed) }

    /// Puts back the step count and optimiser of a checkpoint.
    public mutating func restore(step: Int, optimizer: AdamW) {
        self.step = step
        self.optimizer = optimizer
    }

    /// One optimisation step on `batch`; returns its losses (before the step) and the gradient norm before clipping.
    @discardableResult
    public mutating func train(on batch: ContrastiveBatch) -> (losses: TwoTowers.Losses, gradientNorm: Float) {
        let (losses, computed) = model.lossAndGradients(batch, weights: lossWeights, generator: &generator)
        var gradients = computed
        let norm = GradientClipping.clipGlobalNorm(&gradients, maxNorm: maxGradientNorm)
        optimizer.step(&model, gradients: gradients, learningRate: schedule.rate(at: step))
        model.logitScale.data[0] = min(model.logitScale.data[0], TwoTowers.maximumLogScale)
        step += 1
        return (losses, norm)
    }
}
