import Foundation
import SightlineData
import SightlineLanguage
import SightlineTracks

/// The learned similarity: the cosine between the trained text tower's embedding of the query
/// (`QueryProfile.learned`) and the track tower's embedding of the track (`Gallery.learned`), both
/// computed before ranking by whoever holds the model. Scores 0 when either side is missing.
/// The track's features end with its calibrated readings (`TrackProbabilities.values`, 0 in the
/// query), so an index stores them and its explanations show them as the in-memory ranking does.
public struct LearnedTerm: ScoreTerm {
    /// Width of the embeddings of the shipped model.
    public static let dimensions = 64
    /// The model name of layouts built without a model at hand (`FeatureLayout.standard`); the CLI
    /// builds its layouts with the loaded model's digest instead.
    public static let unnamedModel = "none"

    /// Digest of the model whose embeddings the features are; part of the feature version, so an
    /// index built with one model refuses another.
    public var model: String
    public var dimensions: Int

    public init(model: String = LearnedTerm.unnamedModel, dimensions: Int = LearnedTerm.dimensions) {
        self.model = model
        self.dimensions = dimensions
    }

    public var name: String { "learned" }
    public var featureNames: [String] {
        (0..<dimensions).map { "learned-\($0)" } + ["straight", "left", "right", "stop", "waits"].map { "learned-p-\($0)" }
    }

    /// Values of the readings after the embedding.
    static let readingCount = 5
    public var featureVersion: String { "model-\(model)" }

    public func queryVector(_ query: QueryProfile) -> [Double] {
        guard let v = query.learned, v.count == dimensions else { return [Double](repeating: 0, count: dimensions + Self.readingCount) }
        return v + [Double](repeating: 0, count: Self.readingCount)
    }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let v = gallery.learned[track.id], v.count == dimensions else { return [Double](repeating: 0, count: dimensions + Self.readingCount) }
        return v + (gallery.learnedReadings[track.id]?.values ?? [Double](repeating: 0, count: Self.readingCount))
    }

    /// The embedding and readings stored as `trackFeatures`, for a track's one-track gallery (an index's explanation).
    public func decode(_ features: [Double]) -> (embedding: [Double]?, readings: TrackProbabilities?) {
        guard features.count == dimensions + Self.readingCount, features.prefix(dimensions).contains(where: { $0 != 0 }) else { return (nil, nil) }
        return (Array(features.prefix(dimensions)), TrackProbabilities(values: Array(features.suffix(Self.readingCount))))
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        guard query.learned != nil else { return "no learned query embedding" }
        guard gallery.learned[track.id] != nil else { return "no learned track embedding" }
        return "learned similarity " + String(format: "%.2f", score(query, track, in: gallery))
            + (gallery.learnedReadings[track.id].map { "; \($0.summary)" } ?? "")
    }
}

/// Whatever holds a learned model's track tower: turns the tracks of a gallery (with their analysis)
/// into unit embeddings, so that code without the engine (the index) can store them.
public protocol TrackEmbedder: Sendable {
    /// Digest of the model's weights, as `LearnedTerm.model`.
    var modelHash: String { get }
    func embeddings(of tracks: [Track], analysis: TrackAnalysis) -> [String: [Double]]
    /// The model's calibrated readings of the same tracks.
    func probabilities(of tracks: [Track], analysis: TrackAnalysis) -> [String: TrackProbabilities]
}

extension Ranker {
    /// The registered terms with the learned term naming `learnedModel`'s digest: the terms of a
    /// ranking or an index that holds that model.
    public static func allTerms(learnedModel: String) -> [any ScoreTerm] {
        allTerms.map { $0.name == LearnedTerm().name ? LearnedTerm(model: learnedModel) : $0 }
    }
}
