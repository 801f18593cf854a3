import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlineLearning

extension Bench {
    struct Learning: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training steps/s of the two-tower model (InfoNCE + circle + triplet, clipping, AdamW) and the trajectory encoder's forward+backward, against PyTorch when $SIGHTLINE_TORCH_VENV names a venv with torch.")

        @Option(help: "Tracks per batch.")
        var batch = 64

        @Option(help: "Time steps of each trajectory.")
        var steps = 32

        @Option(help: "Seconds to spend on each measurement (at least one pass is made).")
        var seconds: Double = 3

        @Option(help: "The PyTorch side's script.")
        var script = "scripts/bench-learning.py"

        @Option(help: "Worker threads for BLAS and PyTorch (default: number of cores).")
        var threads: Int?

        @Flag(help: "Print JSON rows instead of a table.")
        var json = false

        func validate() throws {
            if batch < 2 { throw ValidationError("--batch must be at least 2") }
            if steps < 1 { throw ValidationError("--steps must be at least 1") }
            if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        }

        /// One measurement; scripts/bench-learning.py prints the same fields.
        struct Row: Codable {
            var runtime: String
            var case_: String
            var batch: Int
            var perSecond: Double

            enum CodingKeys: String, CodingKey {
                case runtime, case_ = "case", batch, perSecond = "per_second"
            }
        }

        func run() async throws {
            let python = try referencePython(variable: "SIGHTLINE_TORCH_VENV", script: script)
            let threads = ThreadConfig(threads: self.threads).threads
            BLAS.setThreads(threads)
            HeapRetention.enable()
            let configuration = TwoTowers.Configuration()
            let model = TwoTowers(configuration: configuration, seed: 1)
            let input = benchBatch(configuration)
            var trainer = ContrastiveTrainer(model: model, schedule: WarmupStepDecay(baseRate: 1e-3, warmupSteps: 10, decayEvery: 1000),
                                             seed: 2)
            var rows = [Row(runtime: "swift", case_: "two-tower step", batch: batch, perSecond: measure { trainer.train(on: input) })]
            let encoder = model.trajectory
            let upstream = Tensor(shape: [batch, encoder.outputWidth], repeating: 1e-3)
            rows.append(Row(runtime: "swift", case_: "trajectory encoder fwd+bwd", batch: batch, perSecond: measure {
                _ = encoder.backward(upstream, cache: encoder.forward(input.trajectories).cache)
            }))
            if let python { rows += try pyTorchRows(python: python, threads: threads) }
            if json {
                try printJSONLines(rows)
                return
            }
            for row in rows {
                print("\(row.runtime.padding(toLength: 8, withPad: " ", startingAt: 0))\(row.case_.padding(toLength: 28, withPad: " ", startingAt: 0))batch \(row.batch)\t\(String(format: "%.1f", row.perSecond)) /s")
            }
            for name in Set(rows.map(\.case_)).sorted() {
                let swift = rows.first { $0.runtime == "swift" && $0.case_ == name }
                if let swift, let torch = rows.first(where: { $0.runtime == "pytorch" && $0.case_ == name }) {
                    print("\(name): Swift / PyTorch = \(String(format: "%.2f", swift.perSecond / torch.perSecond))")
                }
            }
        }

        /// Random trajectories, texts standing in for MiniLM embeddings, other views for every other track.
        private func benchBatch(_ c: TwoTowers.Configuration) -> ContrastiveBatch {
            var generator = SplitMix64(seed: 3)
            let tensor = { (shape: [Int]) in Tensor.uniform(shape: shape, bound: 1, generator: &generator) }
            return ContrastiveBatch(trajectories: tensor([batch, steps, c.trajectoryFeatures]), texts: tensor([batch, c.textFeatures]),
                                    otherViews: tensor([batch, c.textFeatures]), hasOtherView: (0..<batch).map { $0 % 2 == 0 })
        }

        private func measure(_ body: () -> Void) -> Double {
            passesPerSecond(for: seconds, body)
        }


        private func pyTorchRows(python: String, threads: Int) throws -> [Row] {
            try referenceRows(python: python, script: script,
                              arguments: ["--batch", "\(batch)", "--steps", "\(steps)", "--seconds", "\(seconds)", "--threads", "\(threads)"])
        }
    }
}
