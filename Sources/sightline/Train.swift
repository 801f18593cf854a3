import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlineEngine
import SightlineLearning
import SightlinePixels

struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the learned similarity (two towers: track sequence and frozen MiniLM text) on described tracks.",
        discussion: """
        Trains on --tracks (every file given), reports the MRR of --val (or of the --hold-out cameras) after \
        each epoch, and writes the last epoch's weights to --out; no weight or epoch is chosen by the val \
        figure. A checkpoint after every epoch lets --resume continue an interrupted run to the same weights. \
        The model that ships in Sources/SightlineLearning/Resources is reproduced by the README's command.
        """
    )

    @Option(help: "Described track file to train on (repeatable).")
    var tracks: [String]

    @Option(help: "Described track file whose MRR is reported after each epoch (never trained on).")
    var val: String?

    @Option(help: "Hold these cameras (scene/camera, or a scene such as S05) out of --tracks and report on them (repeatable).")
    var holdOut: [String] = []

    @Option(help: "Where to write the trained model (safetensors).")
    var out: String

    @Option(help: "Checkpoint written after every epoch (default: <out>.checkpoint).")
    var checkpoint: String?

    @Flag(help: "Continue from the checkpoint.")
    var resume = false

    @Option(help: "Text embedding cache (default: <out>.text-cache).")
    var cache: String?

    @Option(help: """
        Folder the tracks' frame paths are relative to. With it the model gets the image branch: frozen \
        EfficientNet-Lite0 features of each track's crops and motion map, projected and added to the \
        trajectory's; tracks whose frames are missing train (and later rank) on the trajectory alone.
        """)
    var framesRoot: String?

    @Option var epochs = TrainingOptions().epochs
    @Option var batchSize = TrainingOptions().batchSize
    @Option var learningRate = TrainingOptions().learningRate
    @Option var seed = TrainingOptions().seed

    @Flag(help: "Do not mirror trajectories (and swap left and right in their text).")
    var noMirror = false
    @Flag(help: "Leave out the circle loss.")
    var noCircle = false
    @Flag(help: "Leave out the triplet loss.")
    var noTriplet = false

    @Option(help: "Write the per-epoch figures and the final report as JSON here.")
    var report: String?

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if tracks.isEmpty { throw ValidationError("give at least one --tracks file") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
        if batchSize < 2 { throw ValidationError("--batch-size must be at least 2") }
        if !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be positive") }
        if let framesRoot {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: framesRoot, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--frames-root \(framesRoot): no such folder")
            }
        }
    }

    var options: TrainingOptions {
        var o = TrainingOptions()
        o.epochs = epochs
        o.batchSize = batchSize
        o.learningRate = learningRate
        o.seed = seed
        o.mirror = !noMirror
        o.lossWeights = TwoTowers.LossWeights(infoNCE: 1, circle: noCircle ? 0 : 1, triplet: noTriplet ? 0 : 1)
        return o
    }

    struct Epoch: Codable {
        var epoch: Int
        var loss: Float
        var valMRR: Double?
        var seconds: Double
    }

    struct Report: Codable {
        var trainTracks: Int
        var valTracks: Int
        var epochs: [Epoch]
        var finalValMRR: Double?
        var seconds: Double
        var stepsPerSecond: Double
        var readings: [ReadingsCalibration.Figures]
        /// On each training camera, with heads fitted on the others.
        var heldOutTurnAgreement: TurnAgreement
        /// On the --val and --hold-out tracks, with the written model.
        var valTurnAgreement: TurnAgreement?
        var peakRSSMiB: Double
        var model: String
    }

    func run() async throws {
        let checkpointPath = checkpoint ?? out + ".checkpoint"
        try Outputs.check(files: ["--out": out, "--checkpoint": checkpointPath, "--report": report])
        BLAS.setThreads(engine.threadConfig.threads)
        var embeddings = try TextEmbeddings(engine: engine, cachePath: cache ?? out + ".text-cache")
        let frames = framesRoot.map { TrackImages(frames: Videos.frames(root: $0)) }
        func learningSet(_ file: String) throws -> LearningSet {
            let list = try TrackFile.load(from: URL(fileURLWithPath: file))
            let images = try frames.map { try ImageTowerInput.features(of: list.filter { !$0.nl.isEmpty }, images: $0, engine: engine) } ?? [:]
            return LearningSet(tracks: list, images: images) { embeddings.embed($0) }
        }
        var train = LearningSet(examples: [])
        for file in tracks { train.examples += try learningSet(file).examples }
        var held = LearningSet(examples: [])
        if !holdOut.isEmpty {
            let isHeld = { (camera: String) in holdOut.contains { camera == $0 || camera.hasPrefix($0 + "/") } }
            held = train.filter(cameras: isHeld)
            train = train.filter { !isHeld($0) }
            guard !held.examples.isEmpty else { throw ValidationError("--hold-out \(holdOut.joined(separator: ",")): no described track of these cameras") }
        }
        if let val {
            held.examples += try learningSet(val).examples
        }
        try embeddings.save()
        guard train.examples.count >= 2 else { throw ValidationError("fewer than two described tracks to train on") }

        var options = self.options
        if let framesRoot {
            options.imageFeatures = train.imageFeatures
            guard options.imageFeatures > 0 else { throw ValidationError("--frames-root \(framesRoot): no training track has readable frames") }
        }
        let perEpoch = TrainingRun.batchCount(examples: train.examples.count, batchSize: batchSize)
        var run = TrainingRun(options: options, batchesPerEpoch: perEpoch)
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointPath) else {
                throw ValidationError("--resume: no checkpoint at \(checkpointPath)")
            }
            try run.resume(from: checkpointPath)
            printError("resumed from \(checkpointPath) after epoch \(run.epoch)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let startEpoch = run.epoch
        var history: [Epoch] = []
        var lastMRR: Double?
        while run.epoch < epochs {
            let loss = run.runEpoch(on: train)
            lastMRR = held.examples.isEmpty ? nil : TrainingRun.meanReciprocalRank(run.trainer.model, on: held)
            try run.saveCheckpoint(to: checkpointPath)
            let elapsed = Self.seconds(clock.now - start)
            history.append(Epoch(epoch: run.epoch, loss: loss, valMRR: lastMRR, seconds: elapsed))
            let left = elapsed / Double(run.epoch - startEpoch) * Double(epochs - run.epoch)
            Self.progress(epoch: run.epoch, of: epochs, loss: loss, mrr: lastMRR, left: left)
        }
        FileHandle.standardError.write(Data("\n".utf8))
        let seconds = Self.seconds(clock.now - start)
        let calibration = ReadingsCalibration(model: run.trainer.model, set: train, seed: seed)
        try LearnedSimilarity.save(model: run.trainer.model, readings: calibration.readings, to: out)
        let agreement = calibration.turnAgreement
        let similarity = LearnedSimilarity(model: run.trainer.model, readings: calibration.readings, hash: "")
        let valAgreement = held.examples.isEmpty ? nil : TurnAgreement(similarity: similarity, examples: held.examples)
        let steps = Double((run.epoch - startEpoch) * perEpoch)
        let result = Report(trainTracks: train.examples.count, valTracks: held.examples.count, epochs: history,
                            finalValMRR: lastMRR, seconds: seconds, stepsPerSecond: seconds > 0 ? steps / seconds : 0,
                            readings: calibration.figures,
                            heldOutTurnAgreement: agreement, valTurnAgreement: valAgreement,
                            peakRSSMiB: Self.peakRSSMiB(), model: out)
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try AtomicFile.write(try encoder.encode(result), to: URL(fileURLWithPath: report))
        }
        print(String(format: "trained on %d tracks, %d epochs in %.1f s (%.1f steps/s, peak RSS %.0f MiB); ",
                     result.trainTracks, epochs, seconds, result.stepsPerSecond, result.peakRSSMiB)
              + (lastMRR.map { String(format: "held-out MRR %.4f over %d tracks; ", $0, held.examples.count) } ?? "")
              + "wrote \(out)")
        print("turn agreement on each training camera with heads fitted on the others, " + agreement.summary)
        if let valAgreement { print("turn agreement on the held-out tracks, " + valAgreement.summary) }
        for f in calibration.figures {
            print(String(format: "  %@: %d held-out tracks, temperature %.2f, ECE %.3f -> %.3f, accuracy %.1f%%",
                         f.reading, f.tracks, f.temperature, f.eceBefore, f.eceAfter, 100 * f.accuracy))
        }
    }

    static func progress(epoch: Int, of total: Int, loss: Float, mrr: Double?, left: Double) {
        let figure = mrr.map { String(format: "val MRR %.4f", $0) } ?? "no val"
        let line = "\repoch \(epoch)/\(total) [\(ProgressReport.bar(done: epoch, total: total))] " + String(format: "loss %.4f  ", loss) + figure
            + "  \(ProgressReport.clock(left)) left "
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
