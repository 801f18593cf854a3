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

