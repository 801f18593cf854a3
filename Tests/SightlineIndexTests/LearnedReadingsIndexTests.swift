import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineLanguage
import SightlineLearning
import SightlineRanking
import SightlineSearch
import SightlineTestSupport
import SightlineTracks
import Testing

/// The learned model's track tower as an index's embedder, as the CLI's is.
struct BundledEmbedder: TrackEmbedder {
    let similarity: LearnedSimilarity
    var modelHash: String { similarity.hash }
    func embeddings(of tracks: [Track], analysis: TrackAnalysis) -> [String: [Double]] { similarity.trackEmbeddings(of: tracks, analysis: analysis) }
    func probabilities(of tracks: [Track], analysis: TrackAnalysis) -> [String: TrackProbabilities] { similarity.readings(of: tracks, analysis: analysis) }
}

/// An understanding whose every query carries the same learned embedding (no MiniLM needed).
struct OneLearnedQuery: QueryUnderstanding {
    var embedding: [Double]
    func profile(of descriptions: [String]) -> QueryProfile {
        var p = TypedUnderstanding().profile(of: descriptions)
        p.learned = embedding
        return p
    }
}

@Suite struct LearnedReadingsIndexTests {
    let scratch = TemporaryDirectory(prefix: "sightline-learned-index")

    /// Results served from an index explain the learned term as the in-memory ranking does: its
    /// similarity and the track's calibrated readings ("straight 0.97, stops 0.22, …"), stored with the features.
    @Test func indexExplanationsShowTheCalibratedReadings() async throws {
        let similarity = try LearnedSimilarity.bundled()
        let tracks = Fixtures.small
        let terms = Ranker.allTerms(learnedModel: similarity.hash)
        let layout = FeatureLayout(terms: terms, embedder: BundledEmbedder(similarity: similarity))
        let index = try await IndexLocation.open(scratch.file("learned.sqlite").path, layout: layout, access: .create)
        _ = try await index.add(tracks, options: AddOptions())
        var weights = RankingWeights.standard
        weights[LearnedTerm().name] = 1
        let query = (0..<LearnedTerm.dimensions).map { $0 == 0 ? 1.0 : 0 }
        let ranker = Ranker(terms: terms, weights: weights, understanding: OneLearnedQuery(embedding: query))
        let searcher = try await IndexSearcher(index: index, ranker: ranker, layout: layout)
        let memory = MemoryBackend(tracks: tracks, learned: similarity.trackEmbeddings(of: tracks),
                                   learnedReadings: similarity.readings(of: tracks), ranker: ranker)
        let request = SearchRequest(text: "A car goes straight.", top: tracks.count)
        let served = try await searcher.search(request)
        let expected = try await memory.search(request)
        #expect(served.count == tracks.count)
        let readings = similarity.readings(of: tracks)
        for hit in served {
            let reason = try #require(hit.contributions.first { $0.term == LearnedTerm().name }?.reason)
            let probabilities = try #require(readings[hit.track])
            #expect(reason.hasPrefix("learned similarity "), "\(reason)")
            #expect(reason.hasSuffix("; " + probabilities.summary), "\(reason)")
            let inMemory = expected.first { $0.track == hit.track }?.contributions.first { $0.term == LearnedTerm().name }?.reason
            #expect(reason == inMemory)
        }
        try await index.close()
    }
}
