import ArgumentParser
import Foundation
import SightlineEngine
import SightlinePixels

extension Bench {
    struct Detector: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Frames/s of the YOLOX-Nano vehicle detector at 1920x1080 and 640x352, on 1 and 2 threads, against onnxruntime on the same file when $SIGHTLINE_ONNX_VENV names a venv with onnxruntime.",
            discussion: "'network' is the 416x416 forward pass alone; 'detect' adds the letterbox, decoding and NMS (in numpy on the onnxruntime side). Frames are a CityFlow frame (1920x1080) and the street clip's frame (640x352) when given, else synthetic gradients. '--kernels both' measures the portable kernels (what CPUs without AVX-512 run) beside the AVX-512 ones, alternating by thread count.")

        /// The detector kernels to measure.
        enum KernelChoice: String, ExpressibleByArgument, CaseIterable {
            case avx512, portable, both

            var kernels: [VehicleDetector.Kernels] {
                switch self {
                case .avx512: [.avx512]
                case .portable: [.portable]
                case .both: [.avx512, .portable]
                }
            }
        }

        @Option(help: "Seconds to spend on each measurement (at least one pass is made).")
        var seconds: Double = 3

        @Option(help: "A 1920x1080 frame (default: ../shared/data/cityflow-sample/frames/train/S01/c003/img1/000060.jpg, else synthetic).")
        var large = "../shared/data/cityflow-sample/frames/train/S01/c003/img1/000060.jpg"

        @Option(help: "A 640x352 frame (default: the test fixture from the street clip, else synthetic).")
        var small = "Tests/SightlineEngineTests/Fixtures/street-frame.jpg"

        @Option(help: "The onnxruntime side's script.")
        var script = "scripts/bench-detector.py"

        @Option(help: "An ONNX export of YOLOX-Nano (default: the bundled one).")
        var model: String?

        @Option(help: "Kernels to measure: avx512, portable (SGEMM and AVX2 loops) or both (default: the fastest this CPU runs).")
        var kernels: KernelChoice?

        @Flag(help: "Print JSON rows instead of a table.")
        var json = false

        /// One measurement; scripts/bench-detector.py prints the same fields.
        struct Row: Codable {
            var runtime: String
            var case_: String
            var frame: String
            var threads: Int
            var perSecond: Double

            enum CodingKeys: String, CodingKey {
                case runtime, case_ = "case", frame, threads, perSecond = "per_second"
            }
        }

        func run() async throws {
            let chosen = kernels?.kernels ?? [.best]
            if let unsupported = chosen.first(where: { !$0.isSupported }) {
                throw ValidationError("--kernels \(unsupported.rawValue): this CPU has no AVX-512")
            }
            let python = try referencePython(variable: "SIGHTLINE_ONNX_VENV", script: script)
            let detectors = try chosen.map { (Self.runtime($0), try VehicleDetector(path: model, kernels: $0)) }
            let frames = [("1920x1080", try frame(large, width: 1920, height: 1080)), ("640x352", try frame(small, width: 640, height: 352))]
            let (input, _) = VehicleDetector.letterbox(frames[0].1)
            var rows: [Row] = []
            for threads in [1, 2] {
                let config = ThreadConfig(threads: threads)
                for (runtime, detector) in detectors {
                    rows.append(Row(runtime: runtime, case_: "network", frame: "416x416", threads: threads, perSecond: passesPerSecond(for: seconds) {
                        _ = detector.forward(letterboxed: input, threads: config)
                    }))
                    for (name, image) in frames {
                        rows.append(Row(runtime: runtime, case_: "detect", frame: name, threads: threads, perSecond: passesPerSecond(for: seconds) {
                            _ = detector.detect(image, threads: config)
                        }))
                    }
                }
            }
            if let python, let detector = detectors.first?.1 {
                rows += try onnxRows(python: python, frames: frames.map { ($0.0, $0.1) }, modelPath: detector.path)
            }
            if json {
                try printJSONLines(rows)
                return
            }
            for row in rows {
                print("\(row.runtime.padding(toLength: 16, withPad: " ", startingAt: 0))\(row.case_.padding(toLength: 9, withPad: " ", startingAt: 0))\(row.frame.padding(toLength: 11, withPad: " ", startingAt: 0))\(row.threads) thread\(row.threads == 1 ? " " : "s")\t\(String(format: "%.1f", row.perSecond)) frames/s")
            }
            func same(_ runtime: String, as row: Row) -> Row? {
                rows.first { $0.runtime == runtime && $0.case_ == row.case_ && $0.frame == row.frame && $0.threads == row.threads }
            }
            for (runtime, _) in detectors {
                for swift in rows where swift.runtime == runtime {
                    if let ort = same("onnxruntime", as: swift) {
                        print("\(swift.case_) \(swift.frame) \(swift.threads) thread(s): \(runtime) / onnxruntime = \(String(format: "%.2f", swift.perSecond / ort.perSecond))")
                    }
                }
            }
            let avx512 = Self.runtime(.avx512), portable = Self.runtime(.portable)
            for row in rows where row.runtime == portable {
                if let fast = same(avx512, as: row) {
                    print("\(row.case_) \(row.frame) \(row.threads) thread(s): \(portable) / \(avx512) = \(String(format: "%.2f", row.perSecond / fast.perSecond))")
                }
            }
        }

        /// The runtime column of the kernels' rows.
        private static func runtime(_ kernels: VehicleDetector.Kernels) -> String {
            kernels == .avx512 ? "swift" : "swift-portable"
        }

        /// The frame at `path`, or a synthetic gradient of the size when the file is absent.
        private func frame(_ path: String, width: Int, height: Int) throws -> RGBImage {
            if FileManager.default.fileExists(atPath: path) { return try ImageDecoder.decode(path: path) }
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    pixels[(y * width + x) * 3] = UInt8(x * 255 / width)
                    pixels[(y * width + x) * 3 + 1] = UInt8(y * 255 / height)
                    pixels[(y * width + x) * 3 + 2] = UInt8((x ^ y) & 255)
                }
            }
            return RGBImage(width: width, height: height, pixels: pixels)
        }

        /// onnxruntime's rows on the same frames, passed as raw RGB files so that both sides read the same pixels.
        private func onnxRows(python: String, frames: [(String, RGBImage)], modelPath: String) throws -> [Row] {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var arguments = ["--model", modelPath, "--seconds", "\(seconds)"]
            for (name, image) in frames {
                let file = folder.appendingPathComponent("\(name).rgb")
                try Data(image.pixels).write(to: file)
                arguments += ["--frame", "\(name):\(image.width):\(image.height):\(file.path)"]
            }
            return try referenceRows(python: python, script: script, arguments: arguments)
        }
    }
}
