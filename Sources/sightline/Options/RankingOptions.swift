import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlineLanguage
import SightlineLearning
import SightlinePixels
import SightlineRanking
import SightlineTracks

/// Options shared by every command that ranks: which terms, which weights, which parser.
struct RankingOptions: ParsableArguments {
    @Option(help: "Comma-separated score terms to use (default: all). Known: \(Ranker.allTerms.map(\.name).joined(separator: ", ")).")
    var terms: String?

    @Option(help: "Term weights file (JSON with a 'weights' object, as fit-weights writes); --weight overrides it.")
    var weights: String?

    @Option(name: .customLong("weight"), help: "Override a term's weight, as name=value (repeatable).")
    var weightOverrides: [String] = []

    @Option(help: "Query understanding: 'typed' (the description parser) or 'keyword' (the first, keyword-spotting version).")
    var parser: ParserChoice = .typed

    @OptionGroup var learnedModel: LearnedModelOptions

    enum ParserChoice: String, ExpressibleByArgument, CaseIterable {
        case typed, keyword
    }

    func validate() throws {
        _ = try termWeights()
    }

    func termWeights() throws -> RankingWeights {
        let known = Set(Ranker.allTerms.map(\.name))
        var weights = try self.weights.map { try RankingWeights.load(path: $0, known: known) } ?? RankingWeights.standard
        if let terms {
            let names = Set(terms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            if let unknown = names.subtracting(known).sorted().first {
                throw ValidationError("--terms: unknown term '\(unknown)'; known terms: \(known.sorted().joined(separator: ", "))")
            }
            weights = weights.keeping(names)
        }
        for override in weightOverrides {
            let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, known.contains(parts[0]), let value = Double(parts[1]), value.isFinite else {
                throw ValidationError("--weight '\(override)': expected name=number with name one of \(known.sorted().joined(separator: ", "))")
            }
            weights[parts[0]] = value
        }
        return weights
    }

    /// The ranker, with the learned text tower in its understanding when the learned term is on.
    func ranker() throws -> Ranker {
        let base: any QueryUnderstanding = switch parser {
        case .typed: TypedUnderstanding()
        case .keyword: KeywordUnderstanding()
        }
        let weights = try termWeights()
        guard let learned = try learned(weights) else { return Ranker(weights: weights, understanding: base) }
        return Ranker(terms: LearnedModelOptions.terms(model: learned.similarity.hash), weights: weights,
                      understanding: LearnedUnderstanding(base: base, similarity: learned.similarity, encoder: learned.encoder))
    }

    /// The feature layout of an index built with the chosen learned model.
    func layout() throws -> FeatureLayout {
        FeatureLayout(terms: LearnedModelOptions.terms(model: try learnedModel.similarity().hash))
    }

    /// The gallery of `tracks`, with learned track embeddings when `ranker` uses the learned term; when
    /// the model has an image branch and `frames` are given, the tracks' image features join them.
    func gallery(_ tracks: [Track], appearance: [String: TrackAppearance] = [:], for ranker: Ranker,
                 frames: TrackImages? = nil, engine: EngineOptions? = nil) throws -> Gallery {
        var gallery = Gallery(tracks: tracks, appearance: appearance)
        if let understanding = ranker.understanding as? LearnedUnderstanding {
            let similarity = understanding.similarity
            var images: [String: [Float]] = [:]
            if similarity.imageFeatures > 0, let frames, let engine {
                images = try ImageTowerInput.features(of: tracks, images: frames, engine: engine)
            }
            gallery.learned = similarity.trackEmbeddings(of: tracks, analysis: gallery.analysis, images: images)
            gallery.learnedReadings = similarity.readings(of: tracks, analysis: gallery.analysis)
        }
        return gallery
    }

    /// The learned model and MiniLM, or nil when the learned term weighs 0 or (with the shipped model)
    /// MiniLM is not installed, which is said on stderr.
    func learned(_ weights: RankingWeights) throws -> (similarity: LearnedSimilarity, encoder: TextEncoder)? {
        guard weights[LearnedTerm().name] != 0 else { return nil }
        let store = ModelStore()
        if learnedModel.learnedModel == nil, !store.isInstalled(.miniLM) {
            printError("sightline: MiniLM is not installed (sightline models install), so the learned term is off")
            return nil
        }
        return (try learnedModel.similarity(), try TextEncoder(store: store))
    }
}

/// `--learned-model`: the learned model whose embeddings the 'learned' term compares.
struct LearnedModelOptions: ParsableArguments {
    @Option(help: "Learned model for the 'learned' term (from `sightline train`; default: the one that ships). Ranking needs MiniLM installed for the query side; without it the term is off unless this is given.")
    var learnedModel: String?

    /// The chosen model, loaded.
    func similarity() throws -> LearnedSimilarity {
        try learnedModel.map { try LearnedSimilarity(path: $0) } ?? LearnedSimilarity.bundled()
    }

    /// The registered terms with the learned term naming `model`.
    static func terms(model: String) -> [any ScoreTerm] {
        Ranker.allTerms(learnedModel: model)
    }

    /// The layout an index stores with this model, computing the learned track embeddings as it writes.
    func layout() throws -> FeatureLayout {
        let similarity = try similarity()
        return FeatureLayout(terms: Self.terms(model: similarity.hash), embedder: similarity)
    }
}

extension LearnedSimilarity: TrackEmbedder {
    public var modelHash: String { hash }

    public func embeddings(of tracks: [Track], analysis: TrackAnalysis) -> [String: [Double]] {
        trackEmbeddings(of: tracks, analysis: analysis)
    }

    public func probabilities(of tracks: [Track], analysis: TrackAnalysis) -> [String: TrackProbabilities] {
        readings(of: tracks, analysis: analysis)
    }
}
