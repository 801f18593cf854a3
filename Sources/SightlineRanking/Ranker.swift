import SightlineData
import SightlineLanguage

/// One term's part in a track's score.
public struct Contribution: Sendable, Equatable, Codable {
    public var term: String
    public var weight: Double
    public var score: Double
    public var reason: String
    public var value: Double { weight * score }

    public init(term: String, weight: Double, score: Double, reason: String) {
        self.term = term
        self.weight = weight
        self.score = score
        self.reason = reason
    }

    /// `parts` in the order a reader wants them: largest value first, so what made a track rank
    /// where it does leads and the terms that added nothing (a query without stop words scores
    /// its stop term 0) come last; equal values keep their order.
    public static func byImpact(_ parts: [Contribution]) -> [Contribution] {
        parts.enumerated().sorted { a, b in a.element.value != b.element.value ? a.element.value > b.element.value : a.offset < b.offset }
            .map(\.element)
    }
}

/// A track's place in a ranking with the evidence behind it.
public struct ScoredTrack: Sendable, Equatable, Codable {
    public var track: String
    public var total: Double
    public var contributions: [Contribution]
}

/// Scores every gallery track for a query as a weighted sum of named terms.
public struct Ranker: Sendable {
    public var terms: [any ScoreTerm]
    public var weights: RankingWeights
    public var understanding: any QueryUnderstanding

    public init(terms: [any ScoreTerm] = Ranker.allTerms, weights: RankingWeights = .standard,
                understanding: any QueryUnderstanding = TypedUnderstanding()) {
        self.terms = terms
        self.weights = weights
        self.understanding = understanding
    }

    /// The terms with a non-zero weight, in ranking order.
    public var activeTerms: [any ScoreTerm] { terms.filter { weights[$0.name] != 0 } }

    /// Every track's feature vectors for the active terms, computed once so that ranking many
    /// queries over one gallery reads them instead of recomputing them per query.
    public func features(of gallery: Gallery) -> GalleryFeatures {
        let active = activeTerms
        return GalleryFeatures(terms: active.map(\.name),
                               vectors: active.map { term in gallery.tracks.map { term.trackFeatures($0, in: gallery) } })
    }

    /// Ranks the whole gallery for one query, best first. Ties keep gallery order, so the
    /// result is deterministic. `features` (from `features(of:)` on the same gallery) saves
    /// computing the track side again.
    public func rank(_ query: QueryRecord, in gallery: Gallery, features: GalleryFeatures? = nil, explain: Bool = false) -> [ScoredTrack] {
        let profile = understanding.profile(of: query.nl)
        let active = activeTerms
        let table = features.flatMap { $0.terms == active.map(\.name) && $0.vectors.allSatisfy { $0.count == gallery.tracks.count } ? $0 : nil }
            ?? self.features(of: gallery)
        let queries = active.map { $0.queryVector(profile) }
        let weights = active.map { self.weights[$0.name] }
        var scored: [(index: Int, item: ScoredTrack)] = gallery.tracks.enumerated().map { i, track in
            var total = 0.0
            var parts: [Contribution] = []
            for t in active.indices {
                let s = dot(queries[t], table.vectors[t][i])
                total += weights[t] * s
                if explain {
                    parts.append(Contribution(term: active[t].name, weight: weights[t], score: s, reason: active[t].reason(profile, track, in: gallery)))
                }
            }
            return (i, ScoredTrack(track: track.id, total: total, contributions: parts))
        }
        scored.sort { $0.item.total == $1.item.total ? $0.index < $1.index : $0.item.total > $1.item.total }
        return scored.map(\.item)
    }

    /// Ranks the gallery for every query: the AI City submission.
    public func submission(for queries: [QueryRecord], in gallery: Gallery) -> Submission {
        let table = features(of: gallery)
        return Submission(rankings: queries.map { q in (q.id, rank(q, in: gallery, features: table).map(\.track)) })
    }
}

/// Each active term's feature vector of every gallery track (`vectors[term][track]`), as
/// `Ranker.features(of:)` computes them.
public struct GalleryFeatures: Sendable {
    /// The term names the vectors belong to, in ranking order.
    public let terms: [String]
    public let vectors: [[[Double]]]
}
