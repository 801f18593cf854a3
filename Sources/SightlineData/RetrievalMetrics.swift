/// The official AI City Track 2 scores: mean reciprocal rank and recall at k.
public struct RetrievalMetrics: Sendable, Equatable, Codable {
    /// How one query fared.
    public struct QueryResult: Sendable, Equatable, Codable {
        public var query: String
        public var target: String
        /// 1-based rank of the target; nil when the ranking does not list it.
        public var rank: Int?
        /// The rank used for scoring: `rank`, or `missingRank` when the target is absent.
        public var scoredRank: Int
    }

    /// The official scorer counts a target missing from a ranked list at rank 100.
    public static let missingRank = 100

    public var perQuery: [QueryResult]

    public var mrr: Double { mean { 1 / Double($0.scoredRank) } }
    public func recall(at k: Int) -> Double { mean { $0.scoredRank <= k ? 1 : 0 } }

    private func mean(_ f: (QueryResult) -> Double) -> Double {
        perQuery.isEmpty ? 0 : perQuery.map(f).reduce(0, +) / Double(perQuery.count)
    }

    /// Scores `submission` against `truth`. Every truth query must have a ranking.
    public init(submission: Submission, truth: GroundTruth, file: String = "submission") throws(DataError) {
        var byQuery: [String: [String]] = [:]
        for r in submission.rankings { byQuery[r.query] = r.tracks }
        perQuery = try truth.targets.map { (query, target) throws(DataError) in
            guard let ranking = byQuery[query] else { throw .missingField(file: file, id: query, field: "(ranking for this query)") }
            let rank = ranking.firstIndex(of: target).map { $0 + 1 }
            return QueryResult(query: query, target: target, rank: rank, scoredRank: rank ?? Self.missingRank)
        }
    }

    /// One CSV line per query: `query,target,rank,reciprocal_rank` (rank empty when missing).
    public func perQueryCSV() -> String {
        var out = "query,target,rank,reciprocal_rank\n"
        for q in perQuery {
            out += "\(q.query),\(q.target),\(q.rank.map(String.init) ?? ""),\(1 / Double(q.scoredRank))\n"
        }
        return out
    }
}
