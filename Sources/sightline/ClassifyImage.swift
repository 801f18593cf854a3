import ArgumentParser
import Foundation
import SightlineEngine

struct ClassifyImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify-image",
        abstract: "Top-5 ImageNet classes of images with EfficientNet-Lite.")

    @OptionGroup var images: ImageOptions

    @Option(help: "Number of classes to show.")
    var top: Int = 5

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run() async throws {
        var vehicleFirst = 0
        for (file, embedding) in try images.embeddings(engine) {
            let best = ImageNetClasses.top(top, logits: embedding.logits)
            if let first = best.first, ImageNetClasses.vehicleNames.contains(first.name) { vehicleFirst += 1 }
            let classes = best.map { "\($0.name) \(String(format: "%.3f", $0.probability))" }.joined(separator: ", ")
            print("\((file as NSString).lastPathComponent): \(classes)")
        }
        if images.files.count > 1 { print("vehicle class first: \(vehicleFirst) of \(images.files.count)") }
    }
}
