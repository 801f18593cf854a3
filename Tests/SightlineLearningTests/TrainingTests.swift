import Foundation
import SightlineData
import SightlineEngine
import SightlineTestSupport
import SightlineWeightFiles
import Testing
@testable import SightlineLearning

@Suite struct TrainingTests {
    static var small: TwoTowers.Configuration {
        var c = TwoTowers.Configuration()
        c.trajectoryFeatures = 4
        c.channels = 8
        c.kernel = 3
        c.textFeatures = 16
        c.hidden = 12
        c.embedding = 8
        return c
    }

    /// A batch whose texts are a fixed random function of the trajectories, so there is something to learn.
    static func batch(_ index: UInt64, size: Int = 8) -> ContrastiveBatch {
        let trajectories = random([size, 10, 4], seed: 100 + index)
        let mixing = random([4, 16], seed: 7)
        var texts = Tensor(shape: [size, 16])
        for b in 0..<size {
            for t in 0..<10 {
                for f in 0..<4 {
                    for o in 0..<16 { texts.data[b * 16 + o] += trajectories.data[(b * 10 + t) * 4 + f] * mixing.data[f * 16 + o] }
                }
            }
        }
        let others = random([size, 16], seed: 200 + index)
        return ContrastiveBatch(trajectories: trajectories, texts: texts, otherViews: others,
                                hasOtherView: (0..<size).map { $0 % 3 == 0 })
    }

    static func trainer(seed: UInt64) -> ContrastiveTrainer {
        ContrastiveTrainer(model: TwoTowers(configuration: small, seed: seed),
                           schedule: WarmupStepDecay(baseRate: 3e-3, warmupSteps: 3, decayEvery: 20, gamma: 0.5), seed: seed)
    }

    static func bits(_ model: TwoTowers) -> [[UInt32]] { model.namedParameters.map { $0.tensor.data.map(\.bitPattern) } }

    @Test func sameSeedGivesBitIdenticalParameters() {
        var first = Self.trainer(seed: 9), second = Self.trainer(seed: 9), other = Self.trainer(seed: 10)
        for step in 0..<6 {
            first.train(on: Self.batch(UInt64(step % 3)))
            second.train(on: Self.batch(UInt64(step % 3)))
            other.train(on: Self.batch(UInt64(step % 3)))
        }
        #expect(first.step == 6)
        #expect(Self.bits(first.model) == Self.bits(second.model))
        #expect(Self.bits(first.model) != Self.bits(other.model))
    }

    @Test func trainingLowersTheLossOfTheBatchesItSees() {
        var trainer = Self.trainer(seed: 3)
        var masks = SplitMix64(seed: 77)
        let before = (0..<3).map { trainer.model.lossAndGradients(Self.batch($0), generator: &masks).losses.total }
        for step in 0..<60 { trainer.train(on: Self.batch(UInt64(step % 3))) }
        let after = (0..<3).map { trainer.model.lossAndGradients(Self.batch($0), generator: &masks).losses.total }
        #expect(after.reduce(0, +) < 0.8 * before.reduce(0, +), "before \(before), after \(after)")
    }

    @Test func warmUpThenStepDecay() {
        let schedule = WarmupStepDecay(baseRate: 1, warmupSteps: 4, decayEvery: 3, gamma: 0.5)
        #expect((0..<11).map(schedule.rate) == [0.25, 0.5, 0.75, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25])
        #expect(WarmupStepDecay(baseRate: 2, warmupSteps: 0, decayEvery: 1, gamma: 0.1).rate(at: 0) == 2)
    }

    @Test func clippingScalesToTheMaximumNormOnlyWhenAbove() {
        var gradients = Linear.Gradients(weight: Tensor(shape: [1, 2], data: [3, 0]), bias: Tensor(shape: [1], data: [4]))
        #expect(GradientClipping.clipGlobalNorm(&gradients, maxNorm: 10) == 5)
        #expect(gradients.weight.data == [3, 0] && gradients.bias.data == [4])
        #expect(GradientClipping.clipGlobalNorm(&gradients, maxNorm: 1) == 5)
        let norm = (gradients.weight.data[0] * gradients.weight.data[0] + gradients.bias.data[0] * gradients.bias.data[0]).squareRoot()
        #expect(abs(norm - 1) < 1e-5)
    }

    @Test func adamWDecaysWeightsNotBiasesAndStepsByTheRateFirst() {
        var layer = Linear(weight: Tensor(shape: [1, 2], data: [1, -2]), bias: Tensor(shape: [1], data: [0.5]))
        var optimizer = AdamW()
        let zero = Linear.Gradients(weight: Tensor(shape: [1, 2]), bias: Tensor(shape: [1]))
        optimizer.step(&layer, gradients: zero, learningRate: 0.1)
        let decay: Float = 1 - 0.1 * 0.01
        #expect(layer.weight.data == [decay, -2 * decay])
        #expect(layer.bias.data == [0.5])
        var fresh = AdamW(), moved = Linear(weight: Tensor(shape: [1, 2], data: [0, 0]), bias: Tensor(shape: [1], data: [0]))
        fresh.step(&moved, gradients: Linear.Gradients(weight: Tensor(shape: [1, 2], data: [3, -1e-3]), bias: Tensor(shape: [1], data: [2])),
                   learningRate: 0.01)
        let expected: [Float] = [-0.01, 0.01, -0.01]
        #expect(zip(moved.weight.data + moved.bias.data, expected).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(fresh.steps == 1)
    }

    @Test func weightsRoundTripThroughSafetensors() throws {
        let folder = TemporaryDirectory(prefix: "sightline-learning")
        let path = folder.file("towers.safetensors").path
        var trainer = Self.trainer(seed: 4)
        trainer.train(on: Self.batch(0))
        try trainer.model.save(to: path)
        var loaded = TwoTowers(configuration: Self.small, seed: 99)
        #expect(Self.bits(loaded) != Self.bits(trainer.model))
        try loaded.load(from: path)
        #expect(Self.bits(loaded) == Self.bits(trainer.model))
        let stored = try SafeTensors.load(path: path)
        #expect(stored.keys.sorted() == trainer.model.namedParameters.map(\.name).sorted())
        #expect(stored["trajectory.conv1.weight"]?.shape == [8, 4, 3])
        #expect(stored["logit_scale"]?.shape == [])
    }

    @Test func loadingRefusesMissingMisshapenAndUnexpectedTensors() throws {
        let folder = TemporaryDirectory(prefix: "sightline-learning")
        let model = TwoTowers(configuration: Self.small, seed: 5)
        var tensors = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, StoredTensor(shape: $0.tensor.shape, data: $0.tensor.data)) })
        func attempt(_ tensors: [String: StoredTensor], _ name: String) throws -> WeightFileError? {
            let url = try folder.write(name, bytes: SafeTensors.encode(tensors))
            var target = TwoTowers(configuration: Self.small, seed: 6)
            let before = Self.bits(target)
            do {
                try target.load(from: url.path)
                return nil
            } catch let error as WeightFileError {
                #expect(Self.bits(target) == before, "a failed load changed the model")
                return error
            }
        }
        var missing = tensors
        missing["text_head.norm.bias"] = nil
        #expect(try attempt(missing, "missing.safetensors") == .missingKey(path: folder.file("missing.safetensors").path, key: "text_head.norm.bias"))
        var misshapen = tensors
        misshapen["track_head.fc2.bias"] = StoredTensor(shape: [9], data: [Float](repeating: 0, count: 9))
        #expect(try attempt(misshapen, "shape.safetensors") == .shapeMismatch(path: folder.file("shape.safetensors").path,
                                                                              key: "track_head.fc2.bias", expected: [8], found: [9]))
        tensors["track_head.extra"] = StoredTensor(shape: [1], data: [0])
        #expect(try attempt(tensors, "extra.safetensors") == .unexpectedKey(path: folder.file("extra.safetensors").path, key: "track_head.extra"))
    }
}
