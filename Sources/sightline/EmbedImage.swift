import ArgumentParser
import Foundation
import SightlineEngine
import SightlinePixels

struct EmbedImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-image",
        abstract: "Embed images with EfficientNet-Lite (pooled 1280-d features).")

    @OptionGroup var images: ImageOptions

    @Flag(help: "Print JSON (features and logits) instead of one line of features per image.")
    var json = false

    @OptionGroup var engine: EngineOptions

    func run() async throws {
        try images.forEachEmbedding(engine) { file, embedding in
            if json {
                let record: [String: Any] = ["file": file, "features": embedding.features, "logits": embedding.logits]
                print(String(decoding: try JSONSerialization.data(withJSONObject: record), as: UTF8.self))
            } else {
                print(embedding.features.map { String(format: "%.5f", $0) }.joined(separator: " "))
            }
        }
    }
}

extension EfficientNetLiteVariant: ExpressibleByArgument {}

/// Image files and the EfficientNet-Lite variant to run on them, shared by the image subcommands.
struct ImageOptions: ParsableArguments {
    @Argument(help: "JPEG or PNG files.")
    var files: [String]

    @Option(help: "Model variant: lite0, lite1 or lite2.")
    var variant: EfficientNetLiteVariant = .lite0

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one image file") }
    }

    /// Decodes, resizes and embeds the files in chunks (bounded memory), calling `body` in file order.
    func forEachEmbedding(_ engine: EngineOptions, _ body: (String, ImageEmbedding) throws -> Void) throws {
        let model = try EfficientNetLite(store: engine.store, variant: variant)
        let chunk = 16 * engine.threadConfig.threads
        for start in stride(from: 0, to: files.count, by: chunk) {
            let names = Array(files[start..<min(start + chunk, files.count)])
            for (file, embedding) in zip(names, model(try ImageInput.load(names, for: model), threads: engine.threadConfig)) {
                try body(file, embedding)
            }
        }
    }
}

/// Decoding and resizing of image files into EfficientNet-Lite inputs.
enum ImageInput {
    static func load(_ files: [String], for model: EfficientNetLite) throws -> [Tensor] {
        let side = model.variant.inputSize
        return try files.map { file in
            let image = try ImageDecoder.decode(path: file).resizedBilinear(width: side, height: side)
            return model.preprocess(rgb: image.pixels, width: side, height: side)
        }
    }
}
