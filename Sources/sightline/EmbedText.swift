import ArgumentParser
import Foundation
import SightlineEngine

struct EmbedText: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed-text",
        abstract: "Embed sentences with all-MiniLM-L6-v2 (384-d, unit length).")

    @Argument(help: "Sentences to embed.")
    var texts: [String]

    @Option(help: "Sentences per forward pass.")
    var batchSize: Int = 32

    @Flag(help: "Print JSON instead of one line of numbers per sentence.")
    var json = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if texts.isEmpty { throw ValidationError("give at least one sentence") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() async throws {
        let encoder = try TextEncoder(store: engine.store)
        let embeddings = encoder.embed(texts, batchSize: batchSize, threads: engine.threadConfig)
        if json {
            let records = zip(texts, embeddings).map { ["text": $0 as Any, "embedding": $1 as Any] }
            let data = try JSONSerialization.data(withJSONObject: records.count == 1 ? records[0] : records as Any)
            print(String(decoding: data, as: UTF8.self))
        } else {
            for embedding in embeddings { print(embedding.map { String(format: "%.6f", $0) }.joined(separator: " ")) }
        }
    }
}
