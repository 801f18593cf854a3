import Foundation
import SightlineData
import SightlineEngine
import SightlineTracks
import SightlineWeightFiles

/// How `sightline train` trains: schedule, batch, augmentations and losses.
public struct TrainingOptions: Sendable, Equatable {
    public var epochs = 40
    public var batchSize = 64
    public var learningRate: Float = 2e-3
    public var warmupEpochs = 2
    /// Epochs between decays of the rate by `gamma`.
    public var decayEvery = 15
    public var gamma: Float = 0.3
    public var seed: UInt64 = 1
    /// Mirror half the tracks left to right, swapping left and right in their text.
    public var mirror = true
    /// Standard deviation of the noise added to every feature.
    public var jitter: Float = 0.02
    /// Train half the tracks on a random part of at least this share of their length (1: never).
    public var subsequence = 0.75
    public var lossWeights = TwoTowers.LossWeights()
    /// Width of the tracks' image features; 0 trains without the image branch. A mirrored track
    /// trains without its image features (they are of the unmirrored frames).
    public var imageFeatures = 0

    public init() {}
}

/// A training run of the learned model over a `LearningSet`, one epoch at a time. Each epoch draws
/// its batches, augmentations and dropout masks from a generator seeded by the seed and the epoch,
/// so a run resumed from a checkpoint ends with the weights of the uninterrupted run.
public struct TrainingRun: Sendable {
    public var trainer: ContrastiveTrainer
    public let options: TrainingOptions
    /// Epochs completed.
    public private(set) var epoch = 0

    public init(options: TrainingOptions, batchesPerEpoch: Int) {
        self.options = options
        let perEpoch = max(batchesPerEpoch, 1)
        trainer = ContrastiveTrainer(
            model: TwoTowers(configuration: LearnedSimilarity.configuration(imageFeatures: options.imageFeatures), seed: options.seed),
            schedule: WarmupStepDecay(baseRate: options.learningRate, warmupSteps: options.warmupEpochs * perEpoch,
                                      decayEvery: max(options.decayEvery, 1) * perEpoch, gamma: options.gamma),
            lossWeights: options.lossWeights, seed: options.seed)
    }

    /// Batches of an epoch over `count` examples (a last batch of one is dropped).
    public static func batchCount(examples count: Int, batchSize: Int) -> Int {
        let full = count / batchSize, rest = count % batchSize
        return full + (rest >= 2 ? 1 : 0)
    }

    /// One epoch over `set`; returns the mean total loss of its batches.
    @discardableResult
    public mutating func runEpoch(on set: LearningSet) -> Float {
        var generator = SplitMix64(seed: options.seed &+ 0x9E37 &* UInt64(epoch + 1))
        trainer.reseed(generator.next())
        let order = set.examples.indices.shuffled(using: &generator)
        var total: Float = 0
        var batches = 0
        var start = 0
        while start < order.count {
            let indices = Array(order[start..<min(start + options.batchSize, order.count)])
            start += options.batchSize
            guard indices.count >= 2 else { break }
            total += trainer.train(on: batch(indices.map { set.examples[$0] }, generator: &generator)).losses.total
            batches += 1
        }
        epoch += 1
        return batches > 0 ? total / Float(batches) : 0
    }

    func batch(_ examples: [LearningExample], generator: inout SplitMix64) -> ContrastiveBatch {
        let steps = LearnedSimilarity.steps, width = TrackSequence.featureCount
        var trajectories: [Float] = [], texts: [Float] = [], others: [Float] = [], hasOther: [Bool] = []
        var images: [Float] = [], hasImage: [Bool] = []
        let textWidth = LearnedSimilarity.configuration.textFeatures, imageWidth = options.imageFeatures
        for example in examples {
            let mirrored = options.mirror && generator.unitInterval() < 0.5
            var start = 0.0, end = 1.0
            if options.subsequence < 1, generator.unitInterval() < 0.5 {
                let length = options.subsequence + (1 - options.subsequence) * Double(generator.unitInterval())
                start = (1 - length) * Double(generator.unitInterval())
                end = start + length
            }
            var sequence = example.sequence.resampled(steps: steps, start: start, end: end, mirrored: mirrored)
            if options.jitter > 0 {
                for k in sequence.indices { sequence[k] += options.jitter * generator.normal() }
            }
            trajectories += sequence
            let choice = Int(generator.next() % UInt64(max(example.texts.count, 1)))
            let pool = mirrored ? example.mirroredTexts : example.texts
            texts += pool.isEmpty ? [Float](repeating: 0, count: textWidth) : pool[choice]
            if example.otherViews.isEmpty {
                others += [Float](repeating: 0, count: textWidth)
                hasOther.append(false)
            } else {
                others += example.otherViews[Int(generator.next() % UInt64(example.otherViews.count))]
                hasOther.append(!mirrored)
            }
            if imageWidth > 0 {
                let image = example.image.flatMap { !mirrored && $0.count == imageWidth ? $0 : nil }
                images += image ?? [Float](repeating: 0, count: imageWidth)
                hasImage.append(image != nil)
            }
        }
        let n = examples.count
        let anyOther = hasOther.contains(true)
        return ContrastiveBatch(trajectories: Tensor(shape: [n, steps, width], data: trajectories),
                                texts: Tensor(shape: [n, textWidth], data: texts),
                                otherViews: anyOther ? Tensor(shape: [n, textWidth], data: others) : nil,
                                hasOtherView: anyOther ? hasOther : [],
                                images: hasImage.contains(true) ? Tensor(shape: [n, imageWidth], data: images) : nil,
                                hasImage: hasImage.contains(true) ? hasImage : [])
    }

    /// Mean reciprocal rank of each example's track when its own descriptions are the query and the
    /// examples of `set` the gallery.
    public static func meanReciprocalRank(_ model: TwoTowers, on set: LearningSet) -> Double {
        let learned = LearnedSimilarity(model: model, hash: "")
        let tracks = learned.embedTracks(set.examples.map(\.sequence), images: set.examples.map(\.image))
        var sum = 0.0
        for (i, example) in set.examples.enumerated() {
            let query = learned.embedQuery(example.texts)
            let scores = tracks.map { t in zip(t, query).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
            let better = scores.enumerated().filter { $0.offset != i && ($0.element > scores[i] || ($0.element == scores[i] && $0.offset < i)) }.count
            sum += 1 / Double(better + 1)
        }
        return set.examples.isEmpty ? 0 : sum / Double(set.examples.count)
    }

    /// Writes the model, the optimiser's moments and the progress to one safetensors file.
    public func saveCheckpoint(to path: String) throws {
        var tensors: [String: StoredTensor] = [:]
        for (name, tensor) in trainer.model.namedParameters { tensors["model." + name] = StoredTensor(shape: tensor.shape, data: tensor.data) }
        let (first, second) = trainer.optimizer.moments
        for (i, (m, v)) in zip(first, second).enumerated() {
            tensors["adam.m.\(i)"] = StoredTensor(shape: [m.count], data: m)
            tensors["adam.v.\(i)"] = StoredTensor(shape: [v.count], data: v)
        }
        tensors["progress"] = StoredTensor(shape: [3], data: [Float(epoch), Float(trainer.step), Float(trainer.optimizer.steps)])
        try AtomicFile.write(Data(SafeTensors.encode(tensors)), to: URL(fileURLWithPath: path))
    }

    /// Continues from a checkpoint `saveCheckpoint` wrote with the same options.
    public mutating func resume(from path: String) throws {
        let tensors = try SafeTensors.load(path: path)
        guard let progress = tensors["progress"], progress.data.count == 3 else {
            throw WeightFileError.missingKey(path: path, key: "progress")
        }
        var model = trainer.model
        try model.visitParameters("") { name, tensor in
            guard let stored = tensors["model." + name] else { throw WeightFileError.missingKey(path: path, key: "model." + name) }
            guard stored.shape == tensor.shape else {
                throw WeightFileError.shapeMismatch(path: path, key: "model." + name, expected: tensor.shape, found: stored.shape)
            }
            tensor = Tensor(stored)
        }
        let count = model.namedParameters.count
        var first: [[Float]] = [], second: [[Float]] = []
        if Int(progress.data[2]) > 0 {
            for i in 0..<count {
                guard let m = tensors["adam.m.\(i)"], let v = tensors["adam.v.\(i)"] else {
                    throw WeightFileError.missingKey(path: path, key: "adam.m.\(i)")
                }
                first.append(m.data)
                second.append(v.data)
            }
        }
        var optimizer = trainer.optimizer
        optimizer.restore(steps: Int(progress.data[2]), first: first, second: second)
        trainer.model = model
        trainer.restore(step: Int(progress.data[1]), optimizer: optimizer)
        epoch = Int(progress.data[0])
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Float {
        let u = max(unitInterval(), 1e-7), v = unitInterval()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * v)
    }
}
