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

    /// Ranks the whole gallery for one query, best first. Ties keep gallery order, so the
    /// result is deterministic.
    public func rank(_ query: QueryRecord, in gallery: Gallery, explain: Bool = false) -> [ScoredTrack] {
        let profile = understanding.profile(of: query.nl)
        let active = terms.filter { weights[$0.name] != 0 }.map { (term: $0, query: $0.queryVector(profile)) }
        var scored: [(index: Int, item: ScoredTrack)] = gallery.tracks.enumerated().map { i, track in
            var total = 0.0
            var parts: [Contribution] = []
            for (term, query) in active {
                let w = weights[term.name]
                let s = dot(query, term.trackFeatures(track, in: gallery))
                total += w * s
                if explain {
                    parts.append(Contribution(term: term.name, weight: w, score: s, reason: term.reason(profile, track, in: gallery)))
                }
            }
            return (i, ScoredTrack(track: track.id, total: total, contributions: parts))
        }
        scored.sort { $0.item.total == $1.item.total ? $0.index < $1.index : $0.item.total > $1.item.total }
        return scored.map(\.item)
    }

    /// Ranks the gallery for every query: the AI City submission.
    public func submission(for queries: [QueryRecord], in gallery: Gallery) -> Submission {
        Submission(rankings: queries.map { q in (q.id, rank(q, in: gallery).map(\.track)) })
    }
}
