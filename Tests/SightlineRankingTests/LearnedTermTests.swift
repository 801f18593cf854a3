import Foundation
import SightlineData
import SightlineLanguage
@testable import SightlineRanking
import Testing

/// An understanding that hands every query the same learned embedding, as the CLI's learned one does.
struct FixedLearnedUnderstanding: QueryUnderstanding {
    var embedding: [Double]

    func profile(of descriptions: [String]) -> QueryProfile {
        var p = TypedUnderstanding().profile(of: descriptions)
        p.learned = embedding
        return p
    }
}

@Suite struct LearnedTermTests {
    static func unit(_ index: Int, _ d: Int = 4) -> [Double] { (0..<d).map { $0 == index ? 1 : 0 } }

    @Test func scoresTheDotProductOfThePrecomputedEmbeddingsAndSaysSo() throws {
        let term = LearnedTerm(model: "abc", dimensions: 4)
        var gallery = Gallery3.gallery
        gallery.learned = ["left": Self.unit(1), "right": [0, 0.6, 0.8, 0]]
        gallery.learnedReadings = ["right": TrackProbabilities(straight: 0.05, left: 0.04, right: 0.91, stop: 0.1, waits: 0.02)]
        var query = QueryProfile()
        query.learned = Self.unit(1)
        let right = try #require(gallery.tracks.first { $0.id == "right" })
        let straight = try #require(gallery.tracks.first { $0.id == "straight" })
        #expect(abs(term.score(query, right, in: gallery) - 0.6) < 1e-12)
        #expect(term.reason(query, right, in: gallery) == "learned similarity 0.60; right turn 0.91, stops 0.10, waits at an intersection 0.02")
        #expect(term.score(query, straight, in: gallery) == 0)
        #expect(term.reason(query, straight, in: gallery) == "no learned track embedding")
        #expect(term.score(QueryProfile(), right, in: gallery) == 0)
    }

    @Test func theModelHashIsPartOfTheFeatureVersion() {
        let a = FeatureLayout(terms: [LearnedTerm(model: "aaaa", dimensions: 4)])
        let b = FeatureLayout(terms: [LearnedTerm(model: "bbbb", dimensions: 4)])
        #expect(a.version != b.version)
    }

    @Test func theLearnedTermRanksWhenTheQueryAndTracksCarryEmbeddings() {
        var gallery = Gallery3.gallery
        gallery.learned = ["straight": Self.unit(0, LearnedTerm.dimensions), "left": Self.unit(1, LearnedTerm.dimensions),
                           "right": Self.unit(2, LearnedTerm.dimensions)]
        let ranker = Ranker(weights: RankingWeights(weights: ["learned": 1]),
                            understanding: FixedLearnedUnderstanding(embedding: Self.unit(2, LearnedTerm.dimensions)))
        let ranked = ranker.rank(QueryRecord(id: "q", nl: ["A car."]), in: gallery, explain: true)
        #expect(ranked.first?.track == "right")
        #expect(ranked.first?.contributions.first?.reason == "learned similarity 1.00")
    }
}
