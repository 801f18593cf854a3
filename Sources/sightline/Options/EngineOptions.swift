import ArgumentParser
import SightlineEngine

/// Options shared by the engine subcommands: where the weights are and how many cores to use.
struct EngineOptions: ParsableArguments {
    @Option(help: "Folder of installed weights (default: $SIGHTLINE_MODELS, else <repo>/models).")
    var models: String?

    @Option(help: "Worker threads (default: number of cores).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var store: ModelStore { ModelStore(explicit: models) }
    var threadConfig: ThreadConfig { ThreadConfig(threads: threads) }
}
