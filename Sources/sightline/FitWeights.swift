import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlineLearning
import SightlineRanking

struct FitWeights: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit-weights",
        abstract: "Fit the ranking's term weights on described tracks, judged by leave-one-camera-out cross-validation.",
        discussion: """
        Every track's own 'nl' is a query for that track; the gallery is every track of every --tracks file. \
        The weights maximise the likelihood that each query's track wins the softmax of the weighted term \
        scores (a convex fit, so the result is deterministic). The figure reported is leave-one-camera-out: \
        each query is ranked with weights fitted without any track of its camera. Terms whose scores never \
        vary on these tracks (pixel terms on tracks without frames) keep their hand-set weights. The \
        weights fitted on all tracks are written to --out, which --weights of the ranking commands reads. \
        With --cross-fit-learned the learned term is weighed too: each query's learned scores come from a \
        model trained (as `sightline train` trains, --learned-epochs) without its camera or scene, and the \
        held-out figure is reported with and without the term; the fit with the better held-out MRR is written.
        """
    )

    @Option(help: "Described track file (repeatable); the files' tracks form one gallery.")
    var tracks: [String] = []

    @Option(help: "Where to write the fitted weights (JSON).")
    var out: String

    @Option(help: "Ridge penalty on the weights.")
    var l2: Double = 0.01

    @Flag(help: "Print the per-camera table as JSON Lines instead of text.")
    var json = false

    @Option(help: "Weigh the learned term on scores cross-fitted by 'camera' or 'scene' folds (one model trained per fold; needs MiniLM).")
    var crossFitLearned: LearnedCrossFitting.Folds?

    @Option(help: "Epochs of each fold's model.")
    var learnedEpochs = TrainingOptions().epochs

    @Option(help: "Text embedding cache of --cross-fit-learned (default: <out>.text-cache).")
    var textCache: String?

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard !tracks.isEmpty else { throw ValidationError("give at least one --tracks file") }
        guard l2.isFinite, l2 >= 0 else { throw ValidationError("--l2 must be a non-negative number") }
        guard learnedEpochs >= 1 else { throw ValidationError("--learned-epochs must be at least 1") }
    }

    func run() async throws {
        try Outputs.check(files: ["--out": out])
        var all: [Track] = []
        var seen: [String: String] = [:]
        for file in tracks {
            for track in try TrackFile.load(from: URL(fileURLWithPath: file)) {
                if let first = seen[track.id] {
                    throw ValidationError("\(file): track '\(track.id)' is also in \(first); each track may appear once")
                }
                guard !track.nl.isEmpty else { throw DataError.missingField(file: file, id: track.id, field: "nl") }
                seen[track.id] = file
                all.append(track)
            }
        }
        let ranker = Ranker(weights: .handSet)
        printError("scoring \(all.count) descriptions against \(all.count) tracks with \(ranker.terms.count) terms")
        var scores = TermScores(gallery: Gallery(tracks: all), ranker: ranker)
        if let crossFitLearned { scores = try crossFitted(scores, tracks: all, folds: crossFitLearned) }
        let learnedIndex = scores.terms.firstIndex(of: LearnedTerm().name)
        var fitted = scores.informativeTerms
        let fitter = WeightFitter(l2: l2)
        func validate(_ fitted: [Int], _ label: String) -> CameraFoldValidation {
            let start = Date()
            return CameraFoldValidation.run(scores, fitted: fitted, fitter: fitter) { done, total in
                let elapsed = Date().timeIntervalSince(start)
                printError(label + String(format: "fold %d/%d  %.0f s, about %.0f s left", done, total, elapsed, elapsed / Double(done) * Double(total - done)))
            }
        }
        var validation = validate(fitted, "")
        var other: CameraFoldValidation?
        if crossFitLearned != nil, let learnedIndex, fitted.contains(learnedIndex) {
            let rules = fitted.filter { $0 != learnedIndex }
            let without = validate(rules, "without learned: ")
            let keep = validation.pooled.mrr > without.pooled.mrr
            print(String(format: "held-out MRR with learned %.4f (R@5 %.4f, R@10 %.4f), without %.4f (R@5 %.4f, R@10 %.4f): ",
                         validation.pooled.mrr, validation.pooled.recallAt5, validation.pooled.recallAt10,
                         without.pooled.mrr, without.pooled.recallAt5, without.pooled.recallAt10)
                  + "writing the fit \(keep ? "with" : "without") it")
            if keep {
                other = without
            } else {
                other = validation
                validation = without
                fitted = rules
            }
        }
        let hand = scores.terms.map { RankingWeights.handSet[$0] }
        let everyQuery = Array(0..<scores.queryCount)
        let handFigures = scores.metrics(queries: everyQuery, weights: hand)
        let final = fitter.fit(scores, fitted: fitted, queries: everyQuery, candidates: Array(0..<scores.trackCount))
        var result = FittedWeights(weights: Self.merged(final, fitted: fitted, into: .handSet, names: scores.terms),
                                   trackFiles: tracks, fittedTerms: fitted.map { scores.terms[$0] }, l2: l2,
                                   heldOut: validation.pooled, handSet: handFigures)
        result.learnedFolds = crossFitLearned?.rawValue
        result.heldOutOther = other?.pooled
        try printTable(validation, scores: scores, hand: hand)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(result), to: URL(fileURLWithPath: out))
        printError("wrote \(out)")
    }

    /// `scores` with the learned term's column cross-fitted: one model per fold trained on the other folds' tracks.
    private func crossFitted(_ scores: TermScores, tracks all: [Track], folds: LearnedCrossFitting.Folds) throws -> TermScores {
        guard let k = scores.terms.firstIndex(of: LearnedTerm().name) else { return scores }
        BLAS.setThreads(engine.threadConfig.threads)
        var embeddings = try TextEmbeddings(engine: engine, cachePath: textCache ?? out + ".text-cache")
        let set = LearningSet(tracks: all) { embeddings.embed($0) }
        try embeddings.save()
        guard set.examples.map(\.id) == all.map(\.id) else { throw ValidationError("cross-fitting: the described tracks lost their order") }
        var options = TrainingOptions()
        options.epochs = learnedEpochs
        let start = Date()
        let learned = LearnedCrossFitting.scores(of: set, folds: folds, options: options) { done, total, fold in
            let elapsed = Date().timeIntervalSince(start)
            printError("learned: model \(done)/\(total) (without \(fold)) " + String(format: " %.0f s, about %.0f s left", elapsed,
                                                                                     elapsed / Double(done) * Double(total - done)))
        }
        var columns = scores.scores
        columns[k] = learned
        return TermScores(terms: scores.terms, scores: columns, targets: scores.targets, trackCameras: scores.trackCameras)
    }

    /// The fitted weights scaled so that the fitted terms weigh as much in total as their hand-set
    /// weights do (ranking ignores a common scale; the unfitted terms keep their place beside them).
    static func merged(_ weights: [Double], fitted: [Int], into base: RankingWeights, names: [String]) -> RankingWeights {
        let handSum = fitted.map { base[names[$0]] }.reduce(0, +)
        let fittedSum = fitted.map { weights[$0] }.reduce(0, +)
        let scale = fittedSum > 0 ? handSum / fittedSum : 0
        var out = base
        for k in fitted { out[names[k]] = (weights[k] * scale * 1000).rounded() / 1000 }
        return out
    }

    private func printTable(_ validation: CameraFoldValidation, scores: TermScores, hand: [Double]) throws {
        struct Row: Encodable {
            var camera: String
            var queries: Int
            var fitted: FoldFigures
            var handSet: FoldFigures
            enum CodingKeys: String, CodingKey { case camera, queries, fitted, handSet = "hand_set" }
        }
        let rows = validation.folds.map { fold in
            let queries = (0..<scores.queryCount).filter { scores.trackCameras[scores.targets[$0]] == fold.camera }
            return Row(camera: fold.camera, queries: fold.figures.queries, fitted: fold.figures,
                       handSet: scores.metrics(queries: queries, weights: hand))
        }
        if json {
            try printJSONLines(rows)
            return
        }
        print("camera      queries  MRR held-out  MRR hand-set")
        for row in rows {
            print(String(format: "%-10@  %7d  %12.4f  %12.4f", row.camera as NSString, row.queries, row.fitted.mrr, row.handSet.mrr))
        }
        let mrrs = validation.folds.map(\.figures.mrr)
        let mean = mrrs.reduce(0, +) / Double(max(mrrs.count, 1))
        let spread = (mrrs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(mrrs.count - 1, 1))).squareRoot()
        let handFigures = scores.metrics(queries: Array(0..<scores.queryCount), weights: hand)
        print(String(format: "pooled      %7d  MRR %.4f R@5 %.4f R@10 %.4f (hand-set: MRR %.4f R@5 %.4f R@10 %.4f)",
                     validation.pooled.queries, validation.pooled.mrr, validation.pooled.recallAt5, validation.pooled.recallAt10,
                     handFigures.mrr, handFigures.recallAt5, handFigures.recallAt10))
        print(String(format: "per camera  MRR mean %.4f, standard deviation %.4f over %d cameras", mean, spread, mrrs.count))
    }
}
extension LearnedCrossFitting.Folds: ExpressibleByArgument {}
