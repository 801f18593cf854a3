import Foundation
import SightlineData

/// Every term's score of every (query, track) pair of a described gallery, computed once so that
/// fitting and cross-validating weights only re-weights them. Query `q` describes track `targets[q]`.
public struct TermScores: Sendable {
    public let terms: [String]
    /// `scores[term][query * trackCount + track]`.
    public let scores: [[Double]]
    public let queryCount: Int
    public let trackCount: Int
    /// The index of the track each query describes.
    public let targets: [Int]
    /// The camera (`Track.cameraKey`) of each track.
    public let trackCameras: [String]

    /// Scores given directly: `scores[term]` holds `queryCount * trackCount` values, query-major.
    public init(terms: [String], scores: [[Double]], targets: [Int], trackCameras: [String]) {
        self.terms = terms
        self.scores = scores
        queryCount = targets.count
        trackCount = trackCameras.count
        self.targets = targets
        self.trackCameras = trackCameras
        precondition(scores.allSatisfy { $0.count == targets.count * trackCameras.count }, "one score per (query, track) for every term")
    }

    /// Scores the gallery's own descriptions (each track's `nl` is a query for that track) with every term of `ranker`.
    public init(gallery: Gallery, ranker: Ranker) {
        let terms = ranker.terms
        let tracks = gallery.tracks
        let profiles = tracks.map { ranker.understanding.profile(of: $0.nl) }
        self.terms = terms.map(\.name)
        queryCount = tracks.count
        trackCount = tracks.count
        targets = Array(tracks.indices)
        trackCameras = tracks.map(\.cameraKey)
        scores = terms.map { term in
            let features = tracks.map { term.trackFeatures($0, in: gallery) }
            var s = [Double](repeating: 0, count: tracks.count * tracks.count)
            for (q, profile) in profiles.enumerated() {
                let query = term.queryVector(profile)
                for t in features.indices { s[q * tracks.count + t] = dot(query, features[t]) }
            }
            return s
        }
    }

    /// The terms whose score varies over some query's gallery: the only ones data can weigh.
    public var informativeTerms: [Int] {
        terms.indices.filter { k in
            (0..<queryCount).contains { q in
                let row = scores[k][(q * trackCount)..<((q + 1) * trackCount)]
                return row.contains { $0 != row.first }
            }
        }
    }

    /// The weighted total of every track for query `q`.
    func totals(query q: Int, weights: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: trackCount)
        for (k, w) in weights.enumerated() where w != 0 {
            let base = q * trackCount
            for t in 0..<trackCount { z[t] += w * scores[k][base + t] }
        }
        return z
    }

    /// The 1-based rank of query `q`'s target among `candidates` under `weights`; ties keep gallery
    /// order, as `Ranker.rank` does.
    public func rank(query q: Int, weights: [Double], candidates: [Int]? = nil) -> Int {
        let z = totals(query: q, weights: weights)
        let target = targets[q]
        var rank = 1
        for t in candidates ?? Array(0..<trackCount) where t != target {
            if z[t] > z[target] || (z[t] == z[target] && t < target) { rank += 1 }
        }
        return rank
    }

    /// MRR and recall at 1, 5 and 10 of the given queries, each ranked over the whole gallery.
    public func metrics(queries: [Int], weights: [Double]) -> FoldFigures {
        FoldFigures(ranks: queries.map { rank(query: $0, weights: weights) })
    }
}

/// MRR and recalls of a set of queries.
public struct FoldFigures: Sendable, Equatable, Codable {
    public var queries: Int
    public var mrr: Double
    public var recallAt1: Double
    public var recallAt5: Double
    public var recallAt10: Double

    enum CodingKeys: String, CodingKey {
        case queries, mrr, recallAt1 = "recall_at_1", recallAt5 = "recall_at_5", recallAt10 = "recall_at_10"
    }

    /// The figures of queries whose targets came at these 1-based ranks.
    public init(ranks: [Int]) {
        func share(_ f: (Int) -> Bool) -> Double { ranks.isEmpty ? 0 : Double(ranks.filter(f).count) / Double(ranks.count) }
        queries = ranks.count
        mrr = ranks.isEmpty ? 0 : ranks.map { 1 / Double($0) }.reduce(0, +) / Double(ranks.count)
        recallAt1 = share { $0 <= 1 }
        recallAt5 = share { $0 <= 5 }
        recallAt10 = share { $0 <= 10 }
    }
}

/// Fits fusion weights as a conditional logit model: each query's target should win the softmax of
/// the weighted term scores over the gallery. The negative log-likelihood is convex in the weights,
/// so projected Newton steps reach its minimum over non-negative weights from any start; the result
/// is deterministic. Training queries compete only with tracks of the training folds.
public struct WeightFitter: Sendable {
    /// Ridge penalty on the weights, per query.
    public var l2: Double
    public var iterations: Int

    public init(l2: Double = 0.01, iterations: Int = 50) {
        self.l2 = l2
        self.iterations = iterations
    }

    /// Weights of the `fitted` terms (indices into `scores.terms`; others stay 0) fitted on `queries`
    /// ranked among `candidates`.
    public func fit(_ scores: TermScores, fitted: [Int], queries: [Int], candidates: [Int]) -> [Double] {
        let design = Design(scores, fitted: fitted, queries: queries, candidates: candidates)
        var w = [Double](repeating: 1, count: fitted.count)
        var loss = objective(design, w).loss
        for _ in 0..<iterations {
            let (_, g, h) = objective(design, w)
            let free = fitted.indices.filter { w[$0] > 0 || g[$0] < 0 }
            guard !free.isEmpty, free.contains(where: { abs(g[$0]) > 1e-9 }) else { break }
            let step = Self.solve(free.map { i in free.map { h[i][$0] } }, free.map { -g[$0] })
            var t = 1.0
            var decrease = 0.0
            while t > 1e-6 {
                var candidate = w
                for (j, i) in free.enumerated() { candidate[i] = max(0, w[i] + t * step[j]) }
                let l = objective(design, candidate).loss
                if l < loss {
                    w = candidate
                    decrease = loss - l
                    loss = l
                    break
                }
                t /= 2
            }
            if decrease < 1e-12 * max(1, abs(loss)) { break }
        }
        var out = [Double](repeating: 0, count: scores.terms.count)
        for (j, k) in fitted.enumerated() { out[k] = w[j] }
        return out
    }

    /// The fitted terms' scores gathered query by query: for each query its candidates' rows, then its target's row.
    struct Design {
        let terms: Int
        let candidates: Int
        let queries: Int
        /// `rows[(query * (candidates + 1) + c) * terms + j]`; row `candidates` of a query is its target.
        let rows: [Double]

        init(_ s: TermScores, fitted: [Int], queries: [Int], candidates: [Int]) {
            terms = fitted.count
            self.candidates = candidates.count
            self.queries = queries.count
            var rows = [Double]()
            rows.reserveCapacity(queries.count * (candidates.count + 1) * fitted.count)
            for q in queries {
                let base = q * s.trackCount
                for t in candidates + [s.targets[q]] {
                    for k in fitted { rows.append(s.scores[k][base + t]) }
                }
            }
            self.rows = rows
        }
    }

    /// Mean negative log-likelihood plus the ridge term, its gradient and Hessian in the fitted weights.
    func objective(_ d: Design, _ w: [Double]) -> (loss: Double, gradient: [Double], hessian: [[Double]]) {
        let k = d.terms
        let c = d.candidates
        var loss = 0.0
        var g = [Double](repeating: 0, count: k)
        var h = [Double](repeating: 0, count: k * k)
        var z = [Double](repeating: 0, count: c)
        var mean = [Double](repeating: 0, count: k)
        var second = [Double](repeating: 0, count: k * k)
        d.rows.withUnsafeBufferPointer { rows in
            guard let start = rows.baseAddress else { return }
            for q in 0..<d.queries {
                let block = start + q * (c + 1) * k
                var top = -Double.infinity
                for i in 0..<c {
                    var v = 0.0
                    for j in 0..<k { v += w[j] * block[i * k + j] }
                    z[i] = v
                    top = max(top, v)
                }
                let target = block + c * k
                var zTarget = 0.0
                for j in 0..<k { zTarget += w[j] * target[j] }
                top = max(top, zTarget)
                var sum = 0.0
                for i in 0..<c {
                    z[i] = Foundation.exp(z[i] - top)
                    sum += z[i]
                }
                loss += Foundation.log(sum) + top - zTarget
                for j in 0..<k { mean[j] = 0 }
                for j in 0..<(k * k) { second[j] = 0 }
                for i in 0..<c {
                    let p = z[i] / sum
                    guard p > 1e-300 else { continue }
                    let x = block + i * k
                    for a in 0..<k {
                        let px = p * x[a]
                        mean[a] += px
                        for b in 0...a { second[a * k + b] += px * x[b] }
                    }
                }
                for a in 0..<k {
                    g[a] += mean[a] - target[a]
                    for b in 0...a { h[a * k + b] += second[a * k + b] - mean[a] * mean[b] }
                }
            }
        }
        let n = Double(max(d.queries, 1))
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for a in 0..<k {
            g[a] = g[a] / n + l2 * w[a]
            for b in 0...a {
                hessian[a][b] = h[a * k + b] / n
                hessian[b][a] = hessian[a][b]
            }
            hessian[a][a] += l2
        }
        loss = loss / n + 0.5 * l2 * w.reduce(0) { $0 + $1 * $1 }
        return (loss, g, hessian)
    }

    /// Solves the symmetric positive-definite system `a x = b` by Gaussian elimination with partial pivoting.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double] {
        var m = a
        var x = b
        let n = b.count
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) } ?? col
            m.swapAt(col, pivot)
            x.swapAt(col, pivot)
            guard abs(m[col][col]) > 1e-300 else { continue }
            for row in (col + 1)..<n {
                let f = m[row][col] / m[col][col]
                for j in col..<n { m[row][j] -= f * m[col][j] }
                x[row] -= f * x[col]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var v = x[row]
            for j in (row + 1)..<n { v -= m[row][j] * x[j] }
            x[row] = abs(m[row][row]) > 1e-300 ? v / m[row][row] : 0
        }
        return x
    }
}

/// Cross-validation of fitted weights with folds split by camera: every query is scored with
/// weights fitted without any track of its camera, so the figure never saw the cameras it reports.
public struct CameraFoldValidation: Sendable {
    public struct Fold: Sendable, Equatable, Codable {
        public var camera: String
        public var weights: [String: Double]
        public var figures: FoldFigures
    }

    public var folds: [Fold]
    /// Every query scored by its own fold's weights, pooled.
    public var pooled: FoldFigures

    /// Leave-one-camera-out over the cameras of `scores`; `progress` hears each finished fold.
    public static func run(_ scores: TermScores, fitted: [Int], fitter: WeightFitter,
                           progress: (Int, Int) -> Void = { _, _ in }) -> CameraFoldValidation {
        let cameras = Array(Set(scores.trackCameras)).sorted()
        var folds: [Fold] = []
        var ranks: [Int] = []
        for (i, camera) in cameras.enumerated() {
            let heldOut = (0..<scores.queryCount).filter { scores.trackCameras[scores.targets[$0]] == camera }
            let training = (0..<scores.queryCount).filter { scores.trackCameras[scores.targets[$0]] != camera }
            let candidates = (0..<scores.trackCount).filter { scores.trackCameras[$0] != camera }
            let w = fitter.fit(scores, fitted: fitted, queries: training, candidates: candidates)
            let foldRanks = heldOut.map { scores.rank(query: $0, weights: w) }
            folds.append(Fold(camera: camera, weights: Dictionary(uniqueKeysWithValues: zip(scores.terms, w)), figures: FoldFigures(ranks: foldRanks)))
            ranks += foldRanks
            progress(i + 1, cameras.count)
        }
        return CameraFoldValidation(folds: folds, pooled: FoldFigures(ranks: ranks))
    }
}

/// What `sightline fit-weights` writes and the ranking reads: the weights, how they were fitted and
/// the figure they reached on cameras held out of the fit.
public struct FittedWeights: Sendable, Equatable, Codable {
    public var weights: RankingWeights
    /// The track files fitted on.
    public var trackFiles: [String]
    /// Terms whose weights the data could fit; the others keep their hand-set weights.
    public var fittedTerms: [String]
    public var l2: Double
    /// Leave-one-camera-out figure of the fitting procedure, every query scored by weights fitted without its camera.
    public var heldOut: FoldFigures
    /// The same queries ranked with the hand-set weights, for comparison.
    public var handSet: FoldFigures
    /// With the learned term's scores cross-fitted: the folds ("camera" or "scene") its models were trained without.
    public var learnedFolds: String?
    /// With `learnedFolds`: the held-out figure of the fit not written (with the learned term when it
    /// was left out, without it when it was kept), for comparison.
    public var heldOutOther: FoldFigures?

    enum CodingKeys: String, CodingKey {
        case weights, trackFiles = "track_files", fittedTerms = "fitted_terms", l2, heldOut = "held_out", handSet = "hand_set"
        case learnedFolds = "learned_folds", heldOutOther = "held_out_other"
    }

    public init(weights: RankingWeights, trackFiles: [String], fittedTerms: [String], l2: Double, heldOut: FoldFigures, handSet: FoldFigures) {
        self.weights = weights
        self.trackFiles = trackFiles
        self.fittedTerms = fittedTerms
        self.l2 = l2
        self.heldOut = heldOut
        self.handSet = handSet
    }
}
