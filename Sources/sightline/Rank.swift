import ArgumentParser
import Foundation
import SightlineData
import SightlineRanking

struct Rank: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rank every track for every query and write an AI City submission.",
        discussion: "Writes {query: [every track id, best first]} atomically: on any error no output file is left."
    )

    @Option(help: "CityFlow-NL track file ({uuid: {frames, boxes}}).")
    var tracks: String

    @Option(help: "Query file, 2021 form {uuid: [strings]} or 2022 form {uuid: {nl, nl_other_views}}.")
    var queries: String

    @Option(help: "Where to write the submission JSON.")
    var out: String

    @Option(help: "Also write the top N tracks of every query with each term's contribution to this JSON file.")
    var explain: String?

    @Option(help: "How many tracks per query --explain keeps.")
    var explainTop = 10

    @OptionGroup var ranking: RankingOptions

    @OptionGroup(title: "Pixels (optional: with --frames-root, colour and type from the frames join the score)")
    var pixels: PixelOptions
    @OptionGroup var missingFrames: MissingFrameOptions

    func validate() throws {
        guard explainTop > 0 else { throw ValidationError("--explain-top must be positive") }
    }

    func run() async throws {
        try Outputs.check(files: ["--out": out, "--explain": explain])
        let ranker = try ranking.ranker()
        let trackList = try TrackFile.load(from: URL(fileURLWithPath: tracks))
        let gallery = try ranking.gallery(trackList, appearance: try pixels.appearance(of: trackList, strict: missingFrames.strict), for: ranker,
                                          frames: pixels.images, engine: pixels.describer.engine)
        let queryRecords = try QueryFile.load(from: URL(fileURLWithPath: queries))
        let clock = ContinuousClock()
        let start = clock.now
        var rankings: [(query: String, tracks: [String])] = []
        var explanations: [(String, [ScoredTrack])] = []
        let features = ranker.features(of: gallery)
        for q in queryRecords {
            let scored = ranker.rank(q, in: gallery, features: features, explain: explain != nil)
            rankings.append((q.id, scored.map(\.track)))
            if explain != nil { explanations.append((q.id, Array(scored.prefix(explainTop)))) }
        }
        let elapsed = clock.now - start
        try Submission(rankings: rankings).write(to: URL(fileURLWithPath: out), gallery: gallery.tracks.map(\.id))
        if let explain {
            try Explanations.write(explanations, to: URL(fileURLWithPath: explain))
        }
        printError("ranked \(queryRecords.count) queries x \(gallery.tracks.count) tracks in \(elapsed.formatted(.units(allowed: [.milliseconds]))); wrote \(out)")
    }
}
