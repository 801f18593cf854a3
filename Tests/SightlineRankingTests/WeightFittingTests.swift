import Foundation
import SightlineData
@testable import SightlineRanking
import SightlineTestSupport
import Testing

/// Synthetic term scores: `signal` puts each query's own track first (plus noise), `noise` is
/// random, `constant` never varies. Queries describe tracks in order; cameras cycle over three.
enum SyntheticScores {
    static func make(tracks n: Int = 24, seed: UInt64 = 7) -> TermScores {
        var rng = SplitMix64(seed: seed)
        var signal = [Double](), noise = [Double](), constant = [Double]()
        for q in 0..<n {
            for t in 0..<n {
                signal.append((q == t ? 1 : 0) + Double.random(in: 0..<0.9, using: &rng))
                noise.append(Double.random(in: 0..<1, using: &rng))
                constant.append(0.5)
            }
        }
        return TermScores(terms: ["signal", "noise", "constant"], scores: [signal, noise, constant],
                          targets: Array(0..<n), trackCameras: (0..<n).map { "S01/c00\($0 % 3)" })
    }
}

struct WeightFittingTests {
    @Test func fitWeighsTheInformativeTermAboveNoise() {
        let scores = SyntheticScores.make()
        let all = Array(0..<scores.queryCount)
        #expect(scores.informativeTerms == [0, 1])
        let w = WeightFitter().fit(scores, fitted: [0, 1], queries: all, candidates: all)
        #expect(w[0] > 4 * w[1])
        #expect(w[2] == 0)
        let fitted = scores.metrics(queries: all, weights: w)
        let equal = scores.metrics(queries: all, weights: [1, 1, 0])
        #expect(fitted.mrr > equal.mrr)
    }

    @Test func gradientAndHessianMatchFiniteDifferences() {
        let scores = SyntheticScores.make(tracks: 9)
        let all = Array(0..<scores.queryCount)
        let fitter = WeightFitter(l2: 0.1)
        let w = [0.7, 1.3]
        let design = WeightFitter.Design(scores, fitted: [0, 1], queries: all, candidates: all)
        let (_, g, h) = fitter.objective(design, w)
        let eps = 1e-5
        for i in 0..<2 {
            var plus = w, minus = w
            plus[i] += eps
            minus[i] -= eps
            let a = fitter.objective(design, plus)
            let b = fitter.objective(design, minus)
            #expect(abs((a.loss - b.loss) / (2 * eps) - g[i]) < 1e-6)
            for j in 0..<2 {
                #expect(abs((a.gradient[j] - b.gradient[j]) / (2 * eps) - h[i][j]) < 1e-5)
            }
        }
    }

    @Test func weightsStayNonNegative() {
        // A term that ranks the target last would want a negative weight.
        let n = 12
        var reversed = [Double]()
        for q in 0..<n { for t in 0..<n { reversed.append(q == t ? 0 : 1) } }
        let base = SyntheticScores.make(tracks: n)
        let scores = TermScores(terms: ["signal", "reversed"], scores: [base.scores[0], reversed],
                                targets: base.targets, trackCameras: base.trackCameras)
        let all = Array(0..<n)
        let w = WeightFitter().fit(scores, fitted: [0, 1], queries: all, candidates: all)
        #expect(w[1] == 0)
        #expect(w[0] > 0)
    }

    @Test func eachFoldIsFittedWithoutItsCamera() {
        let scores = SyntheticScores.make()
        let fitter = WeightFitter()
        let validation = CameraFoldValidation.run(scores, fitted: [0, 1], fitter: fitter)
        #expect(validation.folds.map(\.camera) == ["S01/c000", "S01/c001", "S01/c002"])
        #expect(validation.pooled.queries == scores.queryCount)
        for fold in validation.folds {
            let others = (0..<scores.queryCount).filter { scores.trackCameras[$0] != fold.camera }
            let w = fitter.fit(scores, fitted: [0, 1], queries: others, candidates: others)
            #expect(fold.weights["signal"] == w[0])
            #expect(fold.weights["noise"] == w[1])
            let own = (0..<scores.queryCount).filter { scores.trackCameras[$0] == fold.camera }
            #expect(fold.figures == scores.metrics(queries: own, weights: w))
        }
    }

    @Test func rankingAgreesWithTheRanker() {
        let gallery = Gallery3.gallery
        let described = Gallery(tracks: gallery.tracks.enumerated().map { i, t in
            var t = t
            t.nl = [["A car goes straight.", "A car turns left.", "A car turns right."][i]]
            return t
        })
        let ranker = Ranker()
        let scores = TermScores(gallery: described, ranker: ranker)
        let weights = scores.terms.map { RankingWeights.standard[$0] }
        for (q, track) in described.tracks.enumerated() {
            let ranked = ranker.rank(QueryRecord(id: track.id, nl: track.nl), in: described).map(\.track)
            #expect(scores.rank(query: q, weights: weights) == (ranked.firstIndex(of: track.id) ?? -1) + 1)
        }
    }

    @Test func weightsFileErrorsNameTheFileAndField() throws {
        let dir = TemporaryDirectory()
        let known: Set<String> = ["motion", "colour"]
        let good = try dir.write("w.json", #"{"weights": {"motion": 0.5, "colour": 2}, "l2": 0.01}"#)
        #expect(try RankingWeights.load(path: good.path, known: known) == RankingWeights(weights: ["motion": 0.5, "colour": 2]))
        let cases: [(String, String)] = [
            (#"{"weights": {"shape": 1}}"#, "shape"),
            (#"{"weights": {"motion": "high"}}"#, "motion"),
            (#"{"motion": 1}"#, "weights"),
            (#"{"weights": [1]}"#, "weights"),
            (#"{"weights": {"motion": 1, "motion": 2}}"#, "weights.motion"),
            ("{", "malformed"),
        ]
        for (i, (text, field)) in cases.enumerated() {
            let file = try dir.write("bad\(i).json", text)
            do {
                _ = try RankingWeights.load(path: file.path, known: known)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.description.contains(file.path))
                #expect(error.description.contains(field), "\(error.description)")
            }
        }
    }
}
