import Foundation
import SightlineData
import SightlineEngine
import SightlineLearning

/// Trains a `TypeHead`: a linear softmax layer on frozen, L2-normalised EfficientNet-Lite
/// features, standardised per dimension while training and folded back into the weights after,
/// with softmax cross-entropy and AdamW over shuffled minibatches.
public enum TypeHeadTraining {
    public struct Settings: Equatable, CustomStringConvertible, Sendable {
        public var epochs = 60
        public var learningRate: Float = 1e-3
        public var weightDecay: Float = 1e-2
        public var labelSmoothing = 0.0
        public var batch = 64

        public init(epochs: Int = 60, learningRate: Float = 1e-3, weightDecay: Float = 1e-2, labelSmoothing: Double = 0, batch: Int = 64) {
            self.epochs = epochs
            self.learningRate = learningRate
            self.weightDecay = weightDecay
            self.labelSmoothing = labelSmoothing
            self.batch = batch
        }

        public var description: String {
            "epochs \(epochs) lr \(learningRate) weight-decay \(weightDecay) label-smoothing \(labelSmoothing) batch \(batch)"
        }
    }

    /// One crop: its features and its class index in `VehicleClass.allCases`.
    public struct Sample: Sendable {
        public var features: [Float]
        public var label: Int

        public init(features: [Float], label: Int) {
            self.features = features
            self.label = label
        }
    }

    /// The three parts of a split, each holding every class in the same proportions.
    public struct Split: Sendable {
        public var train: [Sample] = [], validation: [Sample] = [], test: [Sample] = []
    }

    /// Splits each class's samples (in the order given, shuffled by `seed`) into train, validation
    /// and test: `train` and `validation` are shares, the rest is test.
    public static func split(_ samples: [Sample], seed: UInt64, train: Double = 0.7, validation: Double = 0.15) -> Split {
        var generator = SplitMix64(seed: seed)
        var out = Split()
        for label in Set(samples.map(\.label)).sorted() {
            let shuffled = samples.filter { $0.label == label }.shuffled(using: &generator)
            let nTrain = Int((Double(shuffled.count) * train).rounded()), nValidation = Int((Double(shuffled.count) * validation).rounded())
            out.train += shuffled.prefix(nTrain)
            out.validation += shuffled.dropFirst(nTrain).prefix(nValidation)
            out.test += shuffled.dropFirst(nTrain + nValidation)
        }
        return out
    }

    /// The trained weight [classes × d] and bias, acting on unstandardised features; `checkpoint`
    /// gets them after each epoch in `checkpoints` too (numbered from 1).
    public static func train(_ samples: [Sample], classes: Int, settings: Settings, seed: UInt64, checkpoints: Set<Int> = [],
                      checkpoint: (Int, [Float], [Float]) -> Void = { _, _, _ in }) -> (weight: [Float], bias: [Float]) {
        guard let d = samples.first?.features.count else { return ([], []) }
        var mean = [Double](repeating: 0, count: d), variance = mean
        for s in samples { for k in 0..<d { mean[k] += Double(s.features[k]) } }
        mean = mean.map { $0 / Double(samples.count) }
        for s in samples { for k in 0..<d { let v = Double(s.features[k]) - mean[k]; variance[k] += v * v } }
        let scale = variance.map { v -> Double in let sd = (v / Double(samples.count)).squareRoot(); return sd > 1e-8 ? 1 / sd : 0 }
        let standardised = samples.map { s in (0..<d).map { Float((Double(s.features[$0]) - mean[$0]) * scale[$0]) } }
        var generator = SplitMix64(seed: seed)
        var layer = Linear(inFeatures: d, outFeatures: classes, generator: &generator)
        var optimiser = AdamW(weightDecay: settings.weightDecay)
        let loss = SoftmaxCrossEntropy(labelSmoothing: settings.labelSmoothing)
        func folded() -> (weight: [Float], bias: [Float]) {
            var weight = [Float](repeating: 0, count: classes * d), bias = layer.bias.data
            for c in 0..<classes {
                var shift = 0.0
                for k in 0..<d {
                    let w = Double(layer.weight.data[c * d + k]) * scale[k]
                    weight[c * d + k] = Float(w)
                    shift += w * mean[k]
                }
                bias[c] -= Float(shift)
            }
            return (weight, bias)
        }
        for epoch in 1...max(1, settings.epochs) {
            let order = Array(samples.indices).shuffled(using: &generator)
            for start in stride(from: 0, to: order.count, by: settings.batch) {
                let rows = order[start..<min(order.count, start + settings.batch)]
                let x = Tensor(shape: [rows.count, d], data: rows.flatMap { standardised[$0] })
                let (logits, cache) = layer.forward(x)
                let result = loss(logits: logits, labels: rows.map { samples[$0].label })
                let gradients = layer.backward(result.logits, cache: cache).parameters
                optimiser.step(&layer, gradients: gradients, learningRate: settings.learningRate)
            }
            if checkpoints.contains(epoch) {
                let (weight, bias) = folded()
                checkpoint(epoch, weight, bias)
            }
        }
        return folded()
    }

    /// The share of `samples` whose most probable class under `head` is their label.
    public static func accuracy(_ head: TypeHead, _ samples: [Sample]) -> Double {
        guard !samples.isEmpty else { return 0 }
        let right = samples.filter { head.probabilities($0.features).mostLikely.flatMap { VehicleClass.allCases.firstIndex(of: $0) } == $0.label }
        return Double(right.count) / Double(samples.count)
    }
}
