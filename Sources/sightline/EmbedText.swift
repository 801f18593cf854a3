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
            let records = zip(texts, embeddings).map { Record(text: $0, embedding: $1) }
            if records.count == 1 { try printJSON(records[0]) } else { try printJSON(records) }
        } else {
            for embedding in embeddings { print(embedding.map { String(format: "%.6f", $0) }.joined(separator: " ")) }
        }
    }

    /// `embed-text --json`: one record for one sentence, an array of them for several.
    struct Record: Encodable {
        var text: String
        var embedding: [Float]
    }
}
