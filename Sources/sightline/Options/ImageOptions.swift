import Algorithms
import ArgumentParser
import SightlineEngine

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

    /// Decodes, resizes and embeds the files in chunks (bounded memory for the decoded images), in file
    /// order; a file that fails stops it before anything is printed.
    func embeddings(_ engine: EngineOptions) throws -> [(file: String, embedding: ImageEmbedding)] {
        let model = try EfficientNetLite(store: engine.store, variant: variant)
        let chunk = 16 * engine.threadConfig.threads
        var embeddings: [(file: String, embedding: ImageEmbedding)] = []
        for names in files.chunks(ofCount: chunk).map(Array.init) {
            embeddings += zip(names, model(try ImageInput.load(names, for: model), threads: engine.threadConfig)).map { ($0, $1) }
        }
        return embeddings
    }
}
