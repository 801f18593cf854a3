import ArgumentParser
import Foundation
import SightlineData
import SightlineVideo

extension Bench {
    struct VideoDecoding: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "video",
            abstract: "Frames per second of video decoding to RGB: every frame in order, and frames picked at random (a seek each).",
            discussion: """
            Make a 1080p test video from the sample frames with, for example, \
            ffmpeg -framerate 10 -start_number 28 -i ../shared/data/cityflow-sample/frames/train/S01/c003/img1/%06d.jpg \
            -c:v libx264 -g 10 -pix_fmt yuv420p /tmp/c003-1080p.mp4
            """)

        @Option(help: "Video file to decode (repeat for several).")
        var video: [String] = ["../shared/data/video/street-640x352.mp4"]

        @Option(help: "Passes over the video in order per measurement.")
        var passes = 3

        @Option(help: "Frames read at random positions.")
        var random = 100

        @Option(help: "FFmpeg decoding threads per decoder (0: FFmpeg's choice).")
        var decoderThreads = 1

        func validate() throws {
            guard passes > 0, random >= 0, decoderThreads >= 0 else {
                throw ValidationError("--passes must be positive, --random and --decoder-threads not negative")
            }
        }

        func run() async throws {
            for path in video {
                let decoder = try VideoDecoder(path: path, threads: decoderThreads)
                let count = decoder.frameCount
                let name = (path as NSString).lastPathComponent
                print(String(format: "%@: %d×%d, %.2f frames/s, %d frames, %d decoder thread%@", name, decoder.width, decoder.height,
                             decoder.framesPerSecond, count, decoderThreads, decoderThreads == 1 ? "" : "s"))
                var start = Date()
                for _ in 0..<passes {
                    let pass = try VideoDecoder(path: path, threads: decoderThreads, table: decoder.table)
                    for number in 1...count { _ = try pass.frame(number) }
                }
                var seconds = Date().timeIntervalSince(start)
                print(String(format: "  in order: %.1f frames/s (%.2f ms/frame)", Double(count * passes) / seconds, 1000 * seconds / Double(count * passes)))
                guard random > 0 else { continue }
                var generator = SplitMix64(seed: 7)
                let numbers = (0..<random).map { _ in Int.random(in: 1...count, using: &generator) }
                start = Date()
                for number in numbers { _ = try decoder.frame(number) }
                seconds = Date().timeIntervalSince(start)
                print(String(format: "  at random: %.1f frames/s (%.1f ms/frame)", Double(random) / seconds, 1000 * seconds / Double(random)))
            }
        }
    }
}
