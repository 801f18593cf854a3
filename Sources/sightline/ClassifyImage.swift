import ArgumentParser
import Foundation
import SightlineEngine

struct ClassifyImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify-image",
        abstract: "Top-5 ImageNet classes of images with EfficientNet-Lite.")

    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    @Option(help: "Model variant: lite0, lite1 or lite2.")
    var variant: String = "lite0"

    @Option(help: "Number of classes to show.")
    var top: Int = 5

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one image file") }
        if EfficientNetLiteVariant(rawValue: variant) == nil { throw ValidationError("--variant must be lite0, lite1 or lite2") }
    }

    func run() async throws {
        let model = try EfficientNetLite(store: engine.store, variant: EfficientNetLiteVariant(rawValue: variant) ?? .lite0)
        let embeddings = model(try ImageInput.load(files, for: model), threads: engine.threadConfig)
        var vehicleFirst = 0
        for (file, embedding) in zip(files, embeddings) {
            let best = ImageNetClasses.top(top, logits: embedding.logits)
            if let first = best.first, ImageNetClasses.vehicleNames.contains(first.name) { vehicleFirst += 1 }
            let classes = best.map { "\($0.name) \(String(format: "%.3f", $0.probability))" }.joined(separator: ", ")
            print("\((file as NSString).lastPathComponent): \(classes)")
        }
        if files.count > 1 { print("vehicle class first: \(vehicleFirst) of \(files.count)") }
    }
}
