import ArgumentParser
import Foundation
import SightlinePixels

extension Bench {
    struct Pixels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Frames per second of decode + crop + resize on real 1080p frames, one core and all cores.")

        @Option(help: "Folder of JPEG frames.")
        var frames = "../shared/data/cityflow-sample/frames/train/S01/c003/img1"

        @Option(help: "Side of the square encoder input the crop is resized to.")
        var side = 224

        @Option(help: "Passes over the folder per measurement.")
        var passes = 3

        func run() async throws {
            let folder = URL(fileURLWithPath: frames)
            let files = try FileManager.default.contentsOfDirectory(atPath: frames)
                .filter { $0.lowercased().hasSuffix(".jpg") }.sorted().map { folder.appendingPathComponent($0).path }
            guard !files.isEmpty else { throw ValidationError("\(frames): no .jpg files") }
            let options = CropOptions.ssm
            let side = self.side
            @Sendable func work(_ path: String) throws {
                let image = try ImageDecoder.decode(path: path)
                let w = Double(image.width) / 5, h = Double(image.height) / 5
                guard let rect = options.rect(x: Double(image.width) / 2 - w / 2, y: Double(image.height) / 2 - h / 2, w: w, h: h,
                                              frameWidth: image.width, frameHeight: image.height) else { return }
                _ = image.cropped(rect).resizedArea(width: side, height: side)
            }
            try work(files[0])
            let cores = ProcessInfo.processInfo.activeProcessorCount
            for threads in Set([1, cores]).sorted() {
                let jobs = (0..<passes).flatMap { _ in files }
                let failures = Failures()
                let start = Date()
                DispatchQueue.concurrentPerform(iterations: threads) { worker in
                    for i in stride(from: worker, to: jobs.count, by: threads) {
                        do { try work(jobs[i]) } catch { failures.record(error) }
                    }
                }
                let seconds = Date().timeIntervalSince(start)
                if let error = failures.first { throw error }
                print(String(format: "decode+crop+resize %d frames (%@ ...), %d thread%@: %.1f frames/s (%.2f ms/frame)",
                             jobs.count, (files[0] as NSString).lastPathComponent, threads, threads == 1 ? "" : "s",
                             Double(jobs.count) / seconds, 1000 * seconds / Double(jobs.count)))
            }
        }
    }
}

private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [any Error] = []
    func record(_ e: any Error) { lock.withLock { errors.append(e) } }
    var first: (any Error)? { lock.withLock { errors.first } }
}
