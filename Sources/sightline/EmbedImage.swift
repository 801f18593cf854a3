import ArgumentParser
import Foundation
import SightlineEngine

struct EmbedImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-image",
        abstract: "Embed images with EfficientNet-Lite (pooled 1280-d features).")

    @OptionGroup var images: ImageOptions

    @Flag(help: "Print JSON (features and logits) instead of one line of features per image.")
    var json = false

    @OptionGroup var engine: EngineOptions

    func run() async throws {
        let embeddings = try images.embeddings(engine)
        if json {
            try printJSONLines(embeddings.map { Record(file: $0.file, features: $0.embedding.features, logits: $0.embedding.logits) })
        } else {
            for (_, embedding) in embeddings { print(embedding.features.map { String(format: "%.5f", $0) }.joined(separator: " ")) }
        }
    }

    /// One line of `embed-image --json`.
    struct Record: Encodable {
        var file: String
        var features: [Float]
        var logits: [Float]
    }
}
