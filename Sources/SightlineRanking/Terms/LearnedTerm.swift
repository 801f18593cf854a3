import Foundation
import SightlineData
import SightlineLanguage
import SightlineTracks

/// The learned similarity: the cosine between the trained text tower's embedding of the query
/// (`QueryProfile.learned`) and the track tower's embedding of the track (`Gallery.learned`), both
/// computed before ranking by whoever holds the model. Scores 0 when either side is missing.
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
    public var featureNames: [String] { (0..<dimensions).map { "learned-\($0)" } }
    public var featureVersion: String { "model-\(model)" }

    public func queryVector(_ query: QueryProfile) -> [Double] {
        guard let v = query.learned, v.count == dimensions else { return [Double](repeating: 0, count: dimensions) }
        return v
    }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let v = gallery.learned[track.id], v.count == dimensions else { return [Double](repeating: 0, count: dimensions) }
        return v
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        guard query.learned != nil else { return "no learned query embedding" }
        guard gallery.learned[track.id] != nil else { return "no learned track embedding" }
        return Self.reason(score: score(query, track, in: gallery)) + (gallery.learnedReadings[track.id].map { "; \($0)" } ?? "")
    }

    /// The explanation of a learned similarity, for callers that hold the score but not the embeddings (an index).
    public static func reason(score: Double) -> String { "learned similarity " + String(format: "%.2f", score) }
}

/// Whatever holds a learned model's track tower: turns the tracks of a gallery (with their analysis)
/// into unit embeddings, so that code without the engine (the index) can store them.
public protocol TrackEmbedder: Sendable {
    /// Digest of the model's weights, as `LearnedTerm.model`.
    var modelHash: String { get }
    func embeddings(of tracks: [Track], analysis: TrackAnalysis) -> [String: [Double]]
}

extension Ranker {
    /// The registered terms with the learned term naming `learnedModel`'s digest: the terms of a
    /// ranking or an index that holds that model.
    public static func allTerms(learnedModel: String) -> [any ScoreTerm] {
        allTerms.map { $0.name == LearnedTerm().name ? LearnedTerm(model: learnedModel) : $0 }
    }
}
