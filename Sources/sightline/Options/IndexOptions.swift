import ArgumentParser

/// `--db`, the index of `index add/remove/stats/drop` and `search`. `serve` (where `--db` is optional,
/// the alternative to `--tracks`) shares its help; `bench search` keeps its own `--db`, with a default
/// path and an index it deletes first.
struct IndexOptions: ParsableArguments {
    static let help = "The index: a SQLite file path or a postgres://user@host:port/db URL."

    @Option(help: ArgumentHelp(IndexOptions.help))
    var db: String
}
