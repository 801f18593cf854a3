import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlinePixels

struct DetectImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-image",
        abstract: "Vehicles (car, bus, truck, motorcycle) in images with the YOLOX-Nano detector.",
        discussion: "Boxes are [x, y, w, h] in image pixels, best first. The weights ship with the engine; --model reads another export of YOLOX-Nano.")

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    @Option(help: "An ONNX export of YOLOX-Nano (default: the bundled yolox_nano.onnx).")
    var model: String?

    @Option(help: "Smallest objectness × class score kept.")
    var score: Float = VehicleDetector.Options().scoreThreshold

    @Option(help: "IoU above which a lower-scored box of the same class is dropped.")
    var iou: Double = VehicleDetector.Options().iouThreshold

    @Option(help: "Worker threads (default: number of cores).")
    var threads: Int?

    @Flag(help: "Print one JSON object per image instead of lines of text.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one image") }
        if !(0...1).contains(score) { throw ValidationError("--score must be in [0, 1]") }
        if !(0...1).contains(iou) { throw ValidationError("--iou must be in [0, 1]") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// One image's detections, as `--json` prints them.
    struct Record: Encodable {
        var file: String
        var width: Int
        var height: Int
        var detections: [Detection]
    }

    func run() async throws {
        let detector = try VehicleDetector(path: model)
        let options = VehicleDetector.Options(scoreThreshold: score, iouThreshold: iou)
        let images = try files.map { try ImageDecoder.decode(path: $0) }
        let records = zip(files, images).map { file, image in
            Record(file: file, width: image.width, height: image.height,
                   detections: detector.detect(image, options: options, threads: ThreadConfig(threads: threads)))
        }
        if json {
            try printJSONLines(records)
            return
        }
        for record in records {
            print("\((record.file as NSString).lastPathComponent): \(record.detections.count) vehicles")
            for d in record.detections {
                let box = [d.box.x, d.box.y, d.box.w, d.box.h].map { String(format: "%.1f", $0) }.joined(separator: ", ")
                print("  \(d.label.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0))\(String(format: "%.3f", d.score))  [\(box)]")
            }
        }
    }
}
