import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlineEngine
import SightlineLearning
import SightlinePixels

struct TrainTypeHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-type-head",
        abstract: "Train the body-type head on frozen EfficientNet-Lite features of a folder of crops in class folders.",
        discussion: """
        The folder holds one subfolder per class of the vehicle-types set (car, pickup, truck, minibus, juggernaut, \
        bike) of JPEG crops. Each class is split once, by --seed, into train, validation and test (70/15/15); \
        features are cached in --features. --tune trains a small grid of settings (learning rate, label smoothing; 30, 60 and 120 \
        epochs) on train and prints their validation accuracy; without it the given settings are trained, validation accuracy printed, and with \
        --test the test accuracy and confusion matrix, which is for reporting once, never for choosing settings.
        """
    )

    @Option(help: "Folder of class subfolders of crops.") var data: String
    @Option(help: "Output safetensors file of the head (weight [6 × d], bias [6]).") var out: String?
    @Option(help: "Cache of the crops' features (TSV: relative path, then the features), read and extended.") var features: String = CacheFolder.standard + "/vehicle-types-features-lite2.tsv"
    @Option(help: "Seed of the split and of training.") var seed: UInt64 = 17
    @Option(help: "Training epochs.") var epochs = 60
    @Option(help: "AdamW learning rate.") var learningRate: Float = 3e-4
    @Option(help: "AdamW weight decay.") var weightDecay: Float = 1e-2
    @Option(help: "Label smoothing of the cross-entropy.") var labelSmoothing = 0.1
    @Flag(help: "Print validation accuracy over a grid of settings instead of training one head.") var tune = false
    @Flag(help: "Also print the held-out test accuracy and confusion matrix.") var test = false
    @OptionGroup var engine: EngineOptions

    static let variant = EfficientNetLiteVariant.lite2

    func validate() throws {
        guard epochs > 0, learningRate > 0, weightDecay >= 0, (0..<1).contains(labelSmoothing) else {
            throw ValidationError("--epochs and --learning-rate must be positive, --weight-decay not negative, --label-smoothing in [0, 1)")
        }
        if !tune, out == nil, !test { throw ValidationError("give --out, --test or --tune") }
    }

    func run() async throws {
        try Outputs.check(files: ["--out": out, "--features": features])
        let classes = VehicleClass.allCases
        var files: [(path: String, label: Int)] = []
        for (label, c) in classes.enumerated() {
            let folder = URL(fileURLWithPath: data).appendingPathComponent(c.rawValue)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
                throw ValidationError("--data \(data): no folder \(c.rawValue)")
            }
            files += names.filter { $0.lowercased().hasSuffix(".jpg") }.sorted().map { ("\(c.rawValue)/\($0)", label) }
        }
        let cached = try extractFeatures(files.map(\.path))
        let samples = files.map { TypeHeadTraining.Sample(features: cached[$0.path] ?? [], label: $0.label) }
        if let bad = samples.indices.first(where: { samples[$0].features.count != samples[0].features.count || samples[$0].features.isEmpty }) {
            throw DataError.unreadable(file: features, reason: "\(files[bad].path): \(samples[bad].features.count) features, not \(samples[0].features.count)")
        }
        let split = TypeHeadTraining.split(samples, seed: seed)
        print("split (seed \(seed)): train \(split.train.count), validation \(split.validation.count), test \(split.test.count)")
        if tune {
            for learningRate: Float in [3e-4, 1e-3, 3e-3] {
                for labelSmoothing in [0.0, 0.1] {
                    var settings = TypeHeadTraining.Settings(epochs: 120, learningRate: learningRate, weightDecay: weightDecay, labelSmoothing: labelSmoothing)
                    _ = TypeHeadTraining.train(split.train, classes: VehicleClass.allCases.count, settings: settings, seed: seed,
                                               checkpoints: [30, 60, 120]) { epoch, weight, bias in
                        settings.epochs = epoch
                        guard let head = try? TypeHead(weight: weight, bias: bias, variant: Self.variant) else { return }
                        print(String(format: "%@: train %.3f validation %.3f", settings.description,
                                     TypeHeadTraining.accuracy(head, split.train), TypeHeadTraining.accuracy(head, split.validation)))
                    }
                }
            }
            return
        }
        let settings = TypeHeadTraining.Settings(epochs: epochs, learningRate: learningRate, weightDecay: weightDecay, labelSmoothing: labelSmoothing)
        let head = try trained(split.train, settings)
        print(String(format: "%@: train %.3f validation %.3f", settings.description,
                     TypeHeadTraining.accuracy(head, split.train), TypeHeadTraining.accuracy(head, split.validation)))
        if test {
            var tally = Tally()
            for s in split.test { tally.add(predicted: head.probabilities(s.features).mostLikely, truth: classes[s.label], alternative: nil) }
            print(tally.summary("test (held out)"))
            print(tally.confusion("test"))
        }
        if let out {
            try Linear(weight: Tensor(shape: [classes.count, head.featureCount], data: head.weight),
                       bias: Tensor(shape: [classes.count], data: head.bias)).save(to: out)
            printError("wrote \(out) (\(head.version))")
        }
    }

    private func trained(_ samples: [TypeHeadTraining.Sample], _ settings: TypeHeadTraining.Settings) throws -> TypeHead {
        let (weight, bias) = TypeHeadTraining.train(samples, classes: VehicleClass.allCases.count, settings: settings, seed: seed)
        return try TypeHead(weight: weight, bias: bias, variant: Self.variant)
    }

    /// Features of every file (relative to --data), L2-normalised: from the cache, and the missing
    /// ones computed (in chunks, appended to the cache as they come).
    private func extractFeatures(_ paths: [String]) throws -> [String: [Float]] {
        var cached: [String: [Float]] = [:]
        let cacheURL = URL(fileURLWithPath: features)
        if let text = try? String(contentsOf: cacheURL, encoding: .utf8) {
            for (n, line) in text.split(separator: "\n").enumerated() {
                let parts = line.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2 else { throw DataError.unreadable(file: features, reason: "line \(n + 1): no tab between path and features") }
                let values = parts[1].split(separator: " ").compactMap { Float($0) }
                cached[String(parts[0])] = VehicleEncoder.normalised(values)
            }
        }
        let missing = paths.filter { cached[$0] == nil }
        guard !missing.isEmpty else { return cached }
        var encoder = try VehicleEncoder(store: engine.store, variant: Self.variant, useHead: false)
        encoder.threads = engine.threadConfig
        try FileManager.default.createDirectory(at: cacheURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: features) { _ = FileManager.default.createFile(atPath: features, contents: nil) }
        let handle = try FileHandle(forWritingTo: cacheURL)
        defer { try? handle.close() }
        try handle.seekToEnd()
        for start in stride(from: 0, to: missing.count, by: 32) {
            let chunk = Array(missing[start..<min(missing.count, start + 32)])
            let images = try chunk.map { try ImageDecoder.decode(path: URL(fileURLWithPath: data).appendingPathComponent($0).path) }
            var lines = ""
            for (path, encoding) in zip(chunk, encoder.encode(images)) {
                cached[path] = encoding.features
                lines += path + "\t" + encoding.features.map { String(format: "%.6f", $0) }.joined(separator: " ") + "\n"
            }
            try handle.write(contentsOf: Data(lines.utf8))
            printError("features: \(start + chunk.count)/\(missing.count)")
        }
        return cached
    }
}
