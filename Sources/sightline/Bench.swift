import ArgumentParser
import Foundation
import SightlineEngine

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks.",
        subcommands: [Engine.self, SearchLatency.self, Pixels.self, VideoDecoding.self, Learning.self, Appearance.self, Detector.self, Footage.self])

    struct Engine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Throughput of EfficientNet-Lite0 (batch 1, 16) and MiniLM (batch 1, 32).")

        @Option(help: "Seconds to spend on each measurement (at least one pass is made).")
        var seconds: Double = 3

        @Option(help: "Folder of real inputs (default ../shared/data): vehicle crops and CityFlow-NL descriptions.")
        var data: String = "../shared/data"

        @Flag(help: "Print JSON rows instead of a table.")
        var json = false

        @Option(name: .customLong("case"),
                help: "Measure only this case, model:batch (repeatable); all four by default.")
        var cases: [String] = []

        @OptionGroup var engine: EngineOptions

        static let allCases = [("efficientnet-lite0", 1), ("efficientnet-lite0", 16), ("minilm", 1), ("minilm", 32)]

        func validate() throws {
            let known = Self.allCases.map { "\($0.0):\($0.1)" }
            for name in cases where !known.contains(name) {
                throw ValidationError("unknown case '\(name)'; the cases are \(known.joined(separator: ", "))")
            }
        }

        private func selected(_ model: String) -> [Int] {
            Self.allCases.filter { $0.0 == model && (cases.isEmpty || cases.contains("\($0.0):\($0.1)")) }.map(\.1)
        }

        func run() async throws {
            let threads = engine.threadConfig
            var rows: [Row] = []
            let imageBatches = selected("efficientnet-lite0")
            if !imageBatches.isEmpty {
                let model = try EfficientNetLite(store: engine.store, variant: .lite0)
                let images = try benchImages(model)
                for batch in imageBatches {
                    let inputs = Array((0..<batch).map { images[$0 % images.count] })
                    rows.append(Row(model: "efficientnet-lite0", batch: batch, itemsPerSecond: measure(items: batch) { _ = model(inputs, threads: threads) }))
                }
            }
            let textBatches = selected("minilm")
            if !textBatches.isEmpty {
                let encoder = try TextEncoder(store: engine.store)
                let texts = benchTexts()
                for batch in textBatches {
                    var cursor = 0
                    rows.append(Row(model: "minilm", batch: batch, itemsPerSecond: measure(items: batch) {
                        let slice = (0..<batch).map { texts[(cursor + $0) % texts.count] }
                        cursor += batch
                        _ = encoder.embed(slice, batchSize: batch, threads: threads)
                    }))
                }
            }
            for row in rows {
                if json {
                    try printJSON(row, as: .record)
                } else {
                    print("swift  \(row.model.padding(toLength: 20, withPad: " ", startingAt: 0)) batch \(row.batch)\t\(String(format: "%.1f", row.itemsPerSecond)) items/s")
                }
            }
        }

        /// One measurement, a line of `bench engine --json` (scripts/bench-engine.py reads them).
        struct Row: Encodable {
            var runtime = "swift"
            var model: String
            var batch: Int
            var itemsPerSecond: Double
        }

        private func measure(items: Int, _ body: () -> Void) -> Double {
            Double(items) * passesPerSecond(for: seconds, body)
        }

        private func benchImages(_ model: EfficientNetLite) throws -> [Tensor] {
            let folder = (data as NSString).appendingPathComponent("vehicle-crops/images")
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().prefix(16)
            if files.isEmpty {
                let side = model.variant.inputSize
                return [model.preprocess(rgb: (0..<(side * side * 3)).map { UInt8(truncatingIfNeeded: $0 &* 31) }, width: side, height: side)]
            }
            return try ImageInput.load(files.map { (folder as NSString).appendingPathComponent($0) }, for: model)
        }

        private func benchTexts() -> [String] {
            let path = (data as NSString).appendingPathComponent("cityflow-nl/2022/val-tracks.json")
            if let contents = FileManager.default.contents(atPath: path),
               let tracks = try? JSONSerialization.jsonObject(with: contents) as? [String: [String: Any]] {
                let texts = tracks.keys.sorted().compactMap { (tracks[$0]?["nl"] as? [String])?.first }
                if !texts.isEmpty { return texts }
            }
            return ["A white SUV drives towards a stop sign.", "A black sedan goes down the street next to a truck."]
        }
    }
}
