import ArgumentParser
import Foundation
import SightlineEngine
import SightlinePixels

extension Bench {
    struct Detector: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Frames/s of the YOLOX-Nano vehicle detector at 1920x1080 and 640x352, on 1 and 2 threads, against onnxruntime on the same file when $SIGHTLINE_ONNX_VENV names a venv with onnxruntime.",
            discussion: "'network' is the 416x416 forward pass alone; 'detect' adds the letterbox, decoding and NMS (in numpy on the onnxruntime side). Frames are a CityFlow frame (1920x1080) and the street clip's frame (640x352) when given, else synthetic gradients.")

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
            let python = try referencePython(variable: "SIGHTLINE_ONNX_VENV", script: script)
            let detector = try VehicleDetector(path: model)
            let frames = [("1920x1080", try frame(large, width: 1920, height: 1080)), ("640x352", try frame(small, width: 640, height: 352))]
            var rows: [Row] = []
            for threads in [1, 2] {
                let config = ThreadConfig(threads: threads)
                let (input, _) = VehicleDetector.letterbox(frames[0].1)
                rows.append(Row(runtime: "swift", case_: "network", frame: "416x416", threads: threads, perSecond: passesPerSecond(for: seconds) {
                    _ = detector.forward(letterboxed: input, threads: config)
                }))
                for (name, image) in frames {
                    rows.append(Row(runtime: "swift", case_: "detect", frame: name, threads: threads, perSecond: passesPerSecond(for: seconds) {
                        _ = detector.detect(image, threads: config)
                    }))
                }
            }
            if let python {
                rows += try onnxRows(python: python, frames: frames.map { ($0.0, $0.1) }, modelPath: detector.path)
            }
            if json {
                try printJSONLines(rows)
                return
            }
            for row in rows {
                print("\(row.runtime.padding(toLength: 13, withPad: " ", startingAt: 0))\(row.case_.padding(toLength: 9, withPad: " ", startingAt: 0))\(row.frame.padding(toLength: 11, withPad: " ", startingAt: 0))\(row.threads) thread\(row.threads == 1 ? " " : "s")\t\(String(format: "%.1f", row.perSecond)) frames/s")
            }
            for swift in rows where swift.runtime == "swift" {
                if let ort = rows.first(where: { $0.runtime == "onnxruntime" && $0.case_ == swift.case_ && $0.frame == swift.frame && $0.threads == swift.threads }) {
                    print("\(swift.case_) \(swift.frame) \(swift.threads) thread(s): Swift / onnxruntime = \(String(format: "%.2f", swift.perSecond / ort.perSecond))")
                }
            }
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
