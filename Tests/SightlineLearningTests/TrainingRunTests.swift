import Foundation
import SightlineData
import SightlineEngine
import SightlineTestSupport
import SightlineRanking
import SightlineTracks
import SightlineWeightFiles
import Testing
@testable import SightlineLearning

@Suite struct TrainingRunTests {
    /// Tracks on a line at one of several headings; each text is a fixed function of the heading, so
    /// there is something to learn and mirroring has a meaning.
    static func set(count: Int = 12) -> LearningSet {
        let textWidth = LearnedSimilarity.configuration.textFeatures
        let examples = (0..<count).map { i -> LearningExample in
            let angle = Double(i % 6) * .pi / 3
            let rows = (0..<20).map { t -> [Double] in
                var row = [Double](repeating: 0, count: TrackSequence.featureCount)
                row[0] = cos(angle) * Double(t) / 20
                row[1] = sin(angle) * Double(t) / 20
                row[5] = cos(angle)
                row[6] = sin(angle)
                return row
            }
            var text = [Float](repeating: 0, count: textWidth)
            text[i % 6] = 1
            var mirrored = [Float](repeating: 0, count: textWidth)
            mirrored[(i + 3) % 6] = 1
            return LearningExample(id: "t\(i)", camera: "S01/c00\(i % 3)", sequence: TrackSequence(rows: rows),
                                   texts: [text], mirroredTexts: [mirrored], otherViews: [],
                                   labels: [.turn: i % 3, .stop: i % 2, .waits: 0], rulesTurn: .straight)
        }
        return LearningSet(examples: examples)
    }

    static var options: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = 4
        o.batchSize = 6
        o.warmupEpochs = 1
        o.decayEvery = 2
        return o
    }

    static func bits(_ model: TwoTowers) -> [[UInt32]] { model.namedParameters.map { $0.tensor.data.map(\.bitPattern) } }

    @Test func resumingFromACheckpointEndsWithTheUninterruptedWeights() throws {
        let set = Self.set()
        let perEpoch = TrainingRun.batchCount(examples: set.examples.count, batchSize: Self.options.batchSize)
        var straight = TrainingRun(options: Self.options, batchesPerEpoch: perEpoch)
        for _ in 0..<4 { straight.runEpoch(on: set) }

        let folder = try TemporaryDirectory()
        let path = folder.file("run.checkpoint").path
        var first = TrainingRun(options: Self.options, batchesPerEpoch: perEpoch)
        for _ in 0..<2 { first.runEpoch(on: set) }
        try first.saveCheckpoint(to: path)
        var resumed = TrainingRun(options: Self.options, batchesPerEpoch: perEpoch)
        try resumed.resume(from: path)
        #expect(resumed.epoch == 2)
        for _ in 0..<2 { resumed.runEpoch(on: set) }
        #expect(Self.bits(resumed.trainer.model) == Self.bits(straight.trainer.model))
        #expect(resumed.trainer.step == straight.trainer.step)
    }

    @Test func trainingRaisesTheMeanReciprocalRank() {
        let set = Self.set()
        var options = Self.options
        options.epochs = 30
        options.mirror = false
        var run = TrainingRun(options: options, batchesPerEpoch: 2)
        let before = TrainingRun.meanReciprocalRank(run.trainer.model, on: set)
        for _ in 0..<30 { run.runEpoch(on: set) }
        let after = TrainingRun.meanReciprocalRank(run.trainer.model, on: set)
        #expect(after > before + 0.1, "before \(before), after \(after)")
    }

    @Test func aModelFileKeepsTowersAndReadingsAndItsHashNamesTheBytes() throws {
        let folder = try TemporaryDirectory()
        let model = TwoTowers(configuration: LearnedSimilarity.configuration, seed: 5)
        var readings = TrackReadings(pooledFeatures: model.trajectory.outputWidth, seed: 6)
        readings.temperatures.data = [1.5, 2, 0.5]
        let path = folder.file("m.safetensors").path
        try LearnedSimilarity.save(model: model, readings: readings, to: path)
        let loaded = try LearnedSimilarity(path: path)
        #expect(Self.bits(loaded.model) == Self.bits(model))
        #expect(loaded.readings.temperatures.data == [1.5, 2, 0.5])
        try LearnedSimilarity.save(model: TwoTowers(configuration: LearnedSimilarity.configuration, seed: 7), readings: readings, to: path)
        #expect(try LearnedSimilarity(path: path).hash != loaded.hash)
    }

    /// Image features that tell the tracks apart where their trajectories do not.
    static func withImages(_ set: LearningSet, width: Int = 10, every: Int = 1) -> LearningSet {
        var out = set
        for i in out.examples.indices where i % every == 0 {
            var image = [Float](repeating: 0, count: width)
            image[i % width] = 1
            out.examples[i].image = image
        }
        return out
    }

    @Test func aModelWithTheImageBranchTrainsResumesAndLoadsBackWithIt() throws {
        let set = Self.withImages(Self.set(), every: 2)
        #expect(set.imageFeatures == 10)
        var options = Self.options
        options.imageFeatures = set.imageFeatures
        let perEpoch = TrainingRun.batchCount(examples: set.examples.count, batchSize: options.batchSize)
        var straight = TrainingRun(options: options, batchesPerEpoch: perEpoch)
        let untrained = try #require(straight.trainer.model.image)
        for _ in 0..<4 { straight.runEpoch(on: set) }
        #expect(Self.bits(TwoTowers(configuration: LearnedSimilarity.configuration(imageFeatures: 10), seed: 1)) != Self.bits(straight.trainer.model))
        #expect(straight.trainer.model.image?.head.fc1.weight != untrained.head.fc1.weight)

        let folder = try TemporaryDirectory()
        let checkpoint = folder.file("run.checkpoint").path
        var first = TrainingRun(options: options, batchesPerEpoch: perEpoch)
        for _ in 0..<2 { first.runEpoch(on: set) }
        try first.saveCheckpoint(to: checkpoint)
        var resumed = TrainingRun(options: options, batchesPerEpoch: perEpoch)
        try resumed.resume(from: checkpoint)
        for _ in 0..<2 { resumed.runEpoch(on: set) }
        #expect(Self.bits(resumed.trainer.model) == Self.bits(straight.trainer.model))

        let path = folder.file("m.safetensors").path
        let model = straight.trainer.model
        try LearnedSimilarity.save(model: model, readings: TrackReadings(pooledFeatures: model.trajectory.outputWidth, seed: 2), to: path)
        let loaded = try LearnedSimilarity(path: path)
        #expect(loaded.imageFeatures == 10)
        #expect(Self.bits(loaded.model) == Self.bits(model))
        let sequence = set.examples[0].sequence
        let plain = loaded.embedTracks([sequence])[0]
        let seen = loaded.embedTracks([sequence], images: [set.examples[0].image])[0]
        #expect(plain != seen)
        #expect(loaded.embedTracks([sequence], images: [nil])[0] == plain)
        #expect(loaded.embedTracks([sequence], images: [[1, 2]])[0] == plain)
        #expect(try LearnedSimilarity.bundled().imageFeatures == 0)
    }

    @Test func aModelWithoutTheImageBranchTrainsAsBeforeWhateverTheImages() {
        let plain = Self.set(), pictured = Self.withImages(Self.set())
        let perEpoch = TrainingRun.batchCount(examples: plain.examples.count, batchSize: Self.options.batchSize)
        var a = TrainingRun(options: Self.options, batchesPerEpoch: perEpoch)
        var b = TrainingRun(options: Self.options, batchesPerEpoch: perEpoch)
        for _ in 0..<2 {
            a.runEpoch(on: plain)
            b.runEpoch(on: pictured)
        }
        #expect(a.trainer.model.image == nil)
        #expect(Self.bits(a.trainer.model) == Self.bits(b.trainer.model))
    }

    @Test func crossFittedScoresComeFromAModelThatNeverSawTheQuerysFold() {
        let set = Self.set(count: 9)
        var options = Self.options
        options.epochs = 2
        var folds: [String] = []
        let scores = LearnedCrossFitting.scores(of: set, folds: .camera, options: options) { _, _, fold in folds.append(fold) }
        #expect(folds == ["S01/c000", "S01/c001", "S01/c002"])
        #expect(scores.count == 81)
        #expect(scores.allSatisfy { $0.isFinite && abs($0) <= 1 + 1e-5 })
        var run = TrainingRun(options: options, batchesPerEpoch: TrainingRun.batchCount(examples: 6, batchSize: options.batchSize))
        let training = set.filter { $0 != "S01/c000" }
        while run.epoch < options.epochs { run.runEpoch(on: training) }
        let similarity = LearnedSimilarity(model: run.trainer.model, hash: "")
        let tracks = similarity.embedTracks(set.examples.map(\.sequence))
        let query = similarity.embedQuery(set.examples[0].texts)
        #expect(abs(Double(zip(query, tracks[4]).reduce(Float(0)) { $0 + $1.0 * $1.1 }) - scores[4]) < 1e-6)
        #expect(LearnedCrossFitting.Folds.scene.key(of: "S05/c021") == "S05")
    }

    @Test func aModelFileMissingItsReadingsIsRefusedByName() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("towers-only.safetensors").path
        try TwoTowers(configuration: LearnedSimilarity.configuration, seed: 5).save(to: path)
        #expect(throws: WeightFileError.self) { try LearnedSimilarity(path: path) }
    }

    @Test func aModelFileWhoseTurnHeadReadsThePooledFeaturesIsRefusedByName() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("v1.safetensors").path
        let model = TwoTowers(configuration: LearnedSimilarity.configuration, seed: 5)
        var readings = TrackReadings(pooledFeatures: model.trajectory.outputWidth, seed: 6)
        var generator = SplitMix64(seed: 7)
        readings.turn = Linear(inFeatures: model.trajectory.outputWidth, outFeatures: 3, generator: &generator)
        try LearnedSimilarity.save(model: model, readings: readings, to: path)
        #expect(throws: WeightFileError.shapeMismatch(path: path, key: "readings.turn.weight", expected: [3, TrackReadings.pathWidth],
                                                      found: [3, model.trajectory.outputWidth])) { try LearnedSimilarity(path: path) }
    }

    @Test func theShippedModelLoadsAndEmbedsToUnitVectorsOfTheTermsWidth() throws {
        let shipped = try LearnedSimilarity.bundled()
        #expect(LearnedSimilarity.configuration.embedding == LearnedTerm.dimensions)
        let embeddings = shipped.embedTracks([Self.set().examples[0].sequence])
        #expect(embeddings[0].count == LearnedSimilarity.configuration.embedding)
        #expect(abs(embeddings[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
    }

    @Test func temperatureScalingLowersTheErrorOfOverconfidentLogits() {
        var generator = SplitMix64(seed: 3)
        var logits: [Float] = [], labels: [Int] = []
        for _ in 0..<400 {
            let label = Int(generator.next() % 2)
            let right = generator.unitInterval() < 0.7
            let winner = right ? label : 1 - label
            logits += winner == 0 ? [3, -3] : [-3, 3]
            labels.append(label)
        }
        let tensor = Tensor(shape: [400, 2], data: logits)
        let t = TrackReadings.fitTemperature(logits: tensor, labels: labels)
        #expect(t > 5)
        let probabilities = { (t: Double) in (0..<400).map { i in TrackReadings.softmax([Double(logits[2 * i]) / t, Double(logits[2 * i + 1]) / t]) } }
        let before = TrackReadings.calibration(probabilities: probabilities(1), labels: labels).ece
        let after = TrackReadings.calibration(probabilities: probabilities(t), labels: labels).ece
        #expect(before > 0.25 && after < 0.05, "ECE \(before) -> \(after)")
    }

    /// Tracks that go straight, turn left or turn right (labels 0, 1, 2) from a random heading, on
    /// three cameras whose positions sit in different parts of the normalised image.
    static func turningSet() -> LearningSet {
        var generator = SplitMix64(seed: 11)
        let textWidth = LearnedSimilarity.configuration.textFeatures
        let examples = (0..<36).map { i -> LearningExample in
            let camera = i % 3, turn = (i / 3) % 3
            let sign: Double = turn == 0 ? 0 : turn == 1 ? -1 : 1
            let start = 2 * Double.pi * Double(generator.unitInterval())
            var (x, y) = (Double(camera) - 1, 0.5 * Double(generator.unitInterval()))
            let rows = (0..<24).map { t -> [Double] in
                let angle = start + sign * .pi / 2 * Double(t) / 23
                x += 0.05 * cos(angle)
                y += 0.05 * sin(angle)
                var row = [Double](repeating: 0, count: TrackSequence.featureCount)
                (row[0], row[1], row[4], row[5], row[6]) = (x, y, 0.5, cos(angle), sin(angle))
                row[13] = sign * Double(t) / 23
                return row
            }
            return LearningExample(id: "t\(i)", camera: "S01/c00\(camera)", sequence: TrackSequence(rows: rows),
                                   texts: [[Float](repeating: 0, count: textWidth)], mirroredTexts: [], otherViews: [],
                                   labels: [.turn: turn, .stop: 0, .waits: 0], rulesTurn: .straight)
        }
        return LearningSet(examples: examples)
    }

    @Test func theTurnReadingCarriesToACameraItsHeadsNeverSaw() throws {
        let set = Self.turningSet()
        let model = TwoTowers(configuration: LearnedSimilarity.configuration, seed: 1)
        let calibration = ReadingsCalibration(model: model, set: set, seed: 2)
        #expect(calibration.turnAgreement.tracks == 36)
        #expect(calibration.turnAgreement.learned > 0.95, "\(calibration.turnAgreement.summary)")
        let similarity = LearnedSimilarity(model: model, readings: calibration.readings, hash: "")
        let right = try #require(set.examples.first { $0.labels[.turn] == 2 })
        var mirrored = right.sequence
        for r in mirrored.rows.indices { for f in TrackSequence.mirroredFeatures { mirrored.rows[r][f] = -mirrored.rows[r][f] } }
        let p = similarity.probabilities([right.sequence, mirrored])
        #expect(p[0].right > 0.8 && p[1].left > 0.8, "\(p)")
    }

    @Test func mirroringSwapsTheTurnLabelsOnly() {
        #expect(TrackReadings.mirrored([.turn: 1, .stop: 1, .waits: 0]) == [.turn: 2, .stop: 1, .waits: 0])
        #expect(TrackReadings.mirrored([.turn: 0, .stop: 0, .waits: 0]) == [.turn: 0, .stop: 0, .waits: 0])
        #expect(TrackReadings.mirrored([.turn: nil, .stop: 0, .waits: 1]) == [.turn: nil, .stop: 0, .waits: 1])
    }

    @Test func turnAgreementCountsTheMostLikelyPathAndItsCalibration() {
        let a = TurnAgreement(probabilities: [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]],
                              rules: [0, 0, 1, 2], labels: [0, 1, 1, 2])
        #expect(a.tracks == 4 && a.learned == 0.75 && a.rules == 0.75 && a.straight == 0.25)
        #expect(abs(a.ece - TrackReadings.calibration(probabilities: [[0.9, 0.05, 0.05], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]],
                                                      labels: [0, 1, 1, 2]).ece) < 1e-12)
    }

    @Test func readingsLabelsFollowTheDescriptions() {
        let set = Self.set()
        let calibration = ReadingsCalibration(model: TwoTowers(configuration: LearnedSimilarity.configuration, seed: 1), set: set, seed: 2)
        #expect(calibration.figures.map(\.reading).contains("turn"))
        #expect(calibration.turnAgreement.tracks == set.examples.count)
        #expect(abs(calibration.turnAgreement.straight - 1.0 / 3) < 1e-9)
    }
}
