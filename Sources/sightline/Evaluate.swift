import ArgumentParser
import Foundation
import SightlineData
import SightlineLearning
import SightlineRanking

struct Evaluate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a submission: MRR and Recall@1/5/10, as the official AI City scorer does.",
        discussion: """
        Either --submission S --truth G, or --tracks T with described tracks (each track's own 'nl' is the \
        query for that track): then the tracks are ranked here with the ranking options, or scored from \
        --submission, or ranked at random with --random.
        """
    )

    @Option(help: "Submission JSON ({query: [track ids, best first]}).")
    var submission: String?

    @Option(help: "Ground truth JSON ({query: track id} or {query: [track id]}).")
    var truth: String?

    @Option(help: "Described track file: the truth is built from it (development set).")
    var tracks: String?

    @Flag(help: "With --tracks: score a random ranking instead (the chance baseline).")
    var random = false

    @Option(help: "Seed of --random.")
    var seed: UInt64 = 1

    @Flag(help: """
    With --tracks: the ceiling of a perfect trajectory reader instead: each track ranked by how many of the query's \
    readings (path, stop, waits at an intersection) its own descriptions share, ties in random order; the figures \
    are the mean over --orders orders.
    """)
    var readingsCeiling = false

    @Option(help: "Random tie orders averaged by --readings-ceiling.")
    var orders = 20

    @Option(help: "Write one CSV line per query (query,target,rank,reciprocal_rank) here.")
    var perQuery: String?

    @OptionGroup var ranking: RankingOptions

    func validate() throws {
        if tracks == nil {
            guard submission != nil, truth != nil else {
                throw ValidationError("give --submission and --truth, or --tracks with described tracks")
            }
            guard !random else { throw ValidationError("--random needs --tracks") }
            guard !readingsCeiling else { throw ValidationError("--readings-ceiling needs --tracks") }
        } else {
            guard truth == nil else { throw ValidationError("--truth and --tracks both give the truth; pass one") }
            guard [random, submission != nil, readingsCeiling].filter({ $0 }).count <= 1 else {
                throw ValidationError("--random, --submission and --readings-ceiling exclude each other")
            }
            guard orders >= 1 else { throw ValidationError("--orders must be at least 1") }
        }
    }

    func run() async throws {
        try Outputs.check(files: ["--per-query": perQuery])
        if readingsCeiling, let tracks {
            let url = URL(fileURLWithPath: tracks)
            let trackList = try TrackFile.load(from: url)
            _ = try QueryFile.queries(describing: trackList, file: url.path)
            let truth = GroundTruth.identity(of: trackList)
            let runs = try (0..<UInt64(orders)).map { k in
                try RetrievalMetrics(submission: ReadingsCeiling.submission(tracks: trackList, seed: seed &+ k), truth: truth, file: "ceiling")
            }
            func mean(_ f: (RetrievalMetrics) -> Double) -> Double { runs.map(f).reduce(0, +) / Double(runs.count) }
            print(String(format: "queries %d  readings ceiling over %d tie orders: MRR %.4f  R@1 %.4f  R@5 %.4f  R@10 %.4f",
                         trackList.count, runs.count, mean(\.mrr), mean { $0.recall(at: 1) }, mean { $0.recall(at: 5) }, mean { $0.recall(at: 10) }))
            return
        }
        let truthValue: GroundTruth
        let submissionValue: Submission
        if let tracks {
            let url = URL(fileURLWithPath: tracks)
            let trackList = try TrackFile.load(from: url)
            let ranker = submission == nil && !random ? try ranking.ranker() : Ranker(weights: try ranking.termWeights())
            let gallery = try ranking.gallery(trackList, for: ranker)
            truthValue = GroundTruth.identity(of: gallery.tracks)
            let queries = try QueryFile.queries(describing: gallery.tracks, file: url.path)
            if let submission {
                submissionValue = try Submission.load(from: URL(fileURLWithPath: submission))
            } else if random {
                var rng = SplitMix64(seed: seed)
                submissionValue = Submission(rankings: queries.map { ($0.id, gallery.tracks.map(\.id).shuffled(using: &rng)) })
            } else {
                submissionValue = ranker.submission(for: queries, in: gallery)
            }
        } else if let submission, let truth {
            submissionValue = try Submission.load(from: URL(fileURLWithPath: submission))
            truthValue = try GroundTruth.load(from: URL(fileURLWithPath: truth))
        } else {
            throw ValidationError("give --submission and --truth, or --tracks")
        }
        let metrics = try RetrievalMetrics(submission: submissionValue, truth: truthValue, file: submission ?? "ranking")
        print(String(format: "queries %d  MRR %.4f  R@1 %.4f  R@5 %.4f  R@10 %.4f",
                     metrics.perQuery.count, metrics.mrr, metrics.recall(at: 1), metrics.recall(at: 5), metrics.recall(at: 10)))
        if let perQuery {
            try AtomicFile.write(Data(metrics.perQueryCSV().utf8), to: URL(fileURLWithPath: perQuery))
        }
    }
}
