import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlineTracking
import SightlineVideo

extension Bench {
    struct Footage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Frames/s of footage through decoding, detection and tracking, and of `ingest` end to end; live cameras one machine keeps up with.",
            discussion: """
            Decodes every frame of each video in order and detects its vehicles (the two timed apart, on --threads \
            detector threads), tracks the detections (ByteTrack), then runs `sightline ingest` on the video into a \
            temporary index (detection again, tracking, colour, type, embedding, index writes): its frames over its \
            wall time is the end-to-end rate, and that rate over --live-rate the number of live cameras one such \
            machine keeps up with. The default videos are a 1080p one made as `sightline bench video --help` says \
            and the 640x352 street clip.
            """)

        @Option(help: "Video file (repeat for several).")
        var video: [String] = ["/tmp/c003-1080p.mp4", "../shared/data/video/street-640x352.mp4"]

        @Option(help: "Detector (and pixel model) threads.")
        var threads = 2

        @Option(help: "Frames/s of a live camera.")
        var liveRate = 10.0

        @Flag(help: "End to end without the type and embedding network (colour only).")
        var colourOnly = false

        @Flag(help: "Print JSON rows instead of a table.")
        var json = false

        /// One video's figures, in frames per second.
        struct Row: Encodable {
            var video: String
            var width: Int
            var height: Int
            var frames: Int
            var threads: Int
            var decode: Double
            var detect: Double
            var track: Double
            /// Decoding, detection and tracking one after the other.
            var pipeline: Double
            var endToEnd: Double
            var liveCameras: Double
        }

        func validate() throws {
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
            guard liveRate > 0 else { throw ValidationError("--live-rate must be positive") }
        }

        func run() async throws {
            let detection = FrameDetection(detector: try VehicleDetector(), options: VehicleDetector.Options(), threads: ThreadConfig(threads: threads))
            var rows: [Row] = []
            for (n, path) in video.enumerated() {
                let decoder = try VideoDecoder(path: path)
                let count = decoder.frameCount
                var decoding = 0.0, detecting = 0.0
                var byFrame: [Int: [Detection]] = [:]
                for number in 1...count {
                    let start = Date()
                    let image = try decoder.frame(number)
                    let decoded = Date()
                    byFrame[number] = detection.detector.detect(image, options: detection.options, threads: detection.threads)
                    decoding += decoded.timeIntervalSince(start)
                    detecting += Date().timeIntervalSince(decoded)
                }
                let trackStart = Date()
                let tracks = ByteTracker.tracks(of: byFrame, configuration: try TrackerOptions.parse([]).configuration)
                let tracking = max(Date().timeIntervalSince(trackStart), 1e-9)
                let endToEnd = try await ingestSeconds(path, camera: "S90/c\(String(format: "%03d", n + 1))")
                let frames = Double(count)
                let e2e = frames / endToEnd
                rows.append(Row(video: (path as NSString).lastPathComponent, width: decoder.width, height: decoder.height, frames: count,
                                threads: threads, decode: frames / decoding, detect: frames / detecting, track: frames / tracking,
                                pipeline: frames / (decoding + detecting + tracking), endToEnd: e2e, liveCameras: e2e / liveRate))
                printError("bench footage: \(path): \(tracks.count) tracks")
            }
            if json {
                try printJSONLines(rows)
                return
            }
            for r in rows {
                print("\(r.video): \(r.width)x\(r.height), \(r.frames) frames, \(r.threads) thread\(r.threads == 1 ? "" : "s")")
                print(String(format: "  decode      %8.1f frames/s", r.decode))
                print(String(format: "  detect      %8.1f frames/s", r.detect))
                print(String(format: "  track       %8.1f frames/s", r.track))
                print(String(format: "  pipeline    %8.1f frames/s (decode + detect + track)", r.pipeline))
                print(String(format: "  end to end  %8.1f frames/s (sightline ingest: + colour, type, embedding, index)", r.endToEnd))
                print(String(format: "  live %.0f frames/s cameras kept up with: %.2f", liveRate, r.liveCameras))
            }
        }

        /// Wall seconds of `sightline ingest` of the video into a temporary index.
        private func ingestSeconds(_ path: String, camera: String) async throws -> Double {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-bench-footage-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var arguments = [path, "--camera", camera, "--db", folder.appendingPathComponent("index.sqlite").path,
                             "--cache", folder.appendingPathComponent("cache").path, "--threads", "\(threads)"]
            if colourOnly { arguments.append("--colour-only") }
            let ingest = try Ingest.parse(arguments)
            let start = Date()
            try await ingest.run()
            return Date().timeIntervalSince(start)
        }
    }
}
