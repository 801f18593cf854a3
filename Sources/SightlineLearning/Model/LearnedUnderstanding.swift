import SightlineData
import SightlineEngine
import SightlineLanguage
import SightlineTracks

/// Language understanding with the learned text tower: `base`'s profile, plus the model's unit
/// embedding of the descriptions in `QueryProfile.learned`, so that every ranking path (in memory,
/// index, server) gets the learned query side without the ranking knowing the engine.
public struct LearnedUnderstanding: QueryUnderstanding {
    public let base: any QueryUnderstanding
    public let similarity: LearnedSimilarity
    public let encoder: TextEncoder

    public init(base: any QueryUnderstanding, similarity: LearnedSimilarity, encoder: TextEncoder) {
        self.base = base
        self.similarity = similarity
        self.encoder = encoder
    }

    public func profile(of descriptions: [String]) -> QueryProfile {
        var profile = base.profile(of: descriptions)
        let features = LearnedText.features(of: descriptions) { encoder.embed($0, threads: ThreadConfig(threads: 1)) }
        let embedding = similarity.embedQuery(features)
        profile.learned = embedding.isEmpty ? nil : embedding.map(Double.init)
        return profile
    }
}

extension LearnedSimilarity {
    /// Each track's calibrated readings, with camera flows and neighbours from `tracks` themselves.
    public func readings(of tracks: [Track], analysis: TrackAnalysis? = nil) -> [String: TrackProbabilities] {
        let sequences = TrackSequence.sequences(of: tracks, analysis: analysis ?? TrackAnalysis(tracks: tracks))
        let ids = tracks.map(\.id).filter { sequences[$0] != nil }
        var out: [String: TrackProbabilities] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 256) {
            let part = Array(ids[chunk..<min(chunk + 256, ids.count)])
            for (id, p) in zip(part, probabilities(part.compactMap { sequences[$0] })) { out[id] = p }
        }
        return out
    }

    /// Each track's unit embedding, with camera flows and neighbours from `tracks` themselves, and the
    /// image features in `images` (by track id) where the model has an image branch.
    public func trackEmbeddings(of tracks: [Track], analysis: TrackAnalysis? = nil, images: [String: [Float]] = [:]) -> [String: [Double]] {
        let sequences = TrackSequence.sequences(of: tracks, analysis: analysis ?? TrackAnalysis(tracks: tracks))
        let ids = tracks.map(\.id).filter { sequences[$0] != nil }
        var out: [String: [Double]] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 256) {
            let part = Array(ids[chunk..<min(chunk + 256, ids.count)])
            let embedded = embedTracks(part.compactMap { sequences[$0] }, images: part.map { images[$0] })
            for (id, e) in zip(part, embedded) { out[id] = e.map(Double.init) }
        }
        return out
    }
}
