import Foundation
import SightlineAppearance
import SightlineData
import SightlineLanguage
import SightlineTracks

/// A score term that is a dot product of a per-query vector and a per-track feature vector:
/// `score(q, t) == dot(queryVector(q), trackFeatures(t, gallery))`. An index stores the track
/// side once and scores millions of tracks per query by reading only the columns the query
/// vector does not zero.
///
/// Every term of `Ranker.allTerms` conforms. The vectors are `Double` so that the linear form
/// reproduces `score` to rounding (the index keeps them in `Double` too, to rank exactly as
/// `Ranker` does).
public protocol LinearScoreTerm: ScoreTerm {
    /// One name per feature dimension, in order.
    var featureNames: [String] { get }
    /// What the track features depend on besides the track and its camera (thresholds,
    /// similarity tables); part of the index's feature version, so a change forces a rebuild.
    var featureVersion: String { get }
    /// The query side; same length as `featureNames`.
    func queryVector(_ query: QueryProfile) -> [Double]
    /// The track side; same length as `featureNames`. Depends on the track's camera (context,
    /// neighbours, size ratio), so it changes when the camera's tracks change.
    func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double]
}

extension MotionTerm: LinearScoreTerm {
    public var featureNames: [String] { ["p-straight", "p-left", "p-right"] }
    public var featureVersion: String { "turn \(turnDegrees) soft \(softness)" }

    public func queryVector(_ query: QueryProfile) -> [Double] {
        let m = query.motions
        return [m[.straight], m[.leftTurn], m[.rightTurn]]
    }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let t = gallery.analysis.trajectories[track.id] else { return [0, 0, 0] }
        let p = turnProbabilities(headingChange: t.headingChange)
        return [p.straight, p.left, p.right]
    }
}

extension StopTerm: LinearScoreTerm {
    public var featureNames: [String] { ["still-share"] }
    public var featureVersion: String { "1" }

    public func queryVector(_ query: QueryProfile) -> [Double] { [query.motions[.stop]] }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let t = gallery.analysis.trajectories[track.id] else { return [0] }
        return [min(1, Double(t.longestStillFrames) / Double(max(t.stopFrames, 1)))]
    }
}

extension LocationTerm: LinearScoreTerm {
    public var featureNames: [String] { ["intersection", "not-intersection"] }
    public var featureVersion: String { "1" }

    /// (q, 1 - q): agreement either way scores 1, as `score` does.
    public func queryVector(_ query: QueryProfile) -> [Double] {
        let q = query.locations[.intersection] > 0 ? 1.0 : 0.0
        return [q, 1 - q]
    }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        let v = gallery.analysis.camera(of: track)?.isIntersection == true ? 1.0 : 0.0
        return [v, 1 - v]
    }
}

extension RelationTerm: LinearScoreTerm {
    public var featureNames: [String] { RelationKind.allCases.map { "neighbour-\($0.rawValue)" } }
    public var featureVersion: String { "1" }

    /// The share of each relation kind, summed over the mentions of that kind.
    public func queryVector(_ query: QueryProfile) -> [Double] {
        var v = [Double](repeating: 0, count: RelationKind.allCases.count)
        for (mention, share) in query.relations {
            v[RelationKind.allCases.firstIndex(of: mention.kind)!] += share
        }
        return v
    }

    /// 1 for each relation kind some neighbour fits.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        let neighbours = gallery.analysis.neighbours[track.id] ?? []
        return RelationKind.allCases.map { kind in neighbours.contains { Self.fits(kind, $0) } ? 1 : 0 }
    }
}

extension SizeTerm: LinearScoreTerm {
    public var featureNames: [String] { ["log2-size-ratio"] }
    public var featureVersion: String { "1" }

    public func queryVector(_ query: QueryProfile) -> [Double] { [query.types[.truck] + query.types[.bus]] }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let ratio = gallery.analysis.sizeRatio[track.id], ratio > 0 else { return [0] }
        return [min(1, max(-1, log2(ratio)))]
    }
}

extension ColourTerm: LinearScoreTerm {
    public var featureNames: [String] { VehicleColor.allCases.map { "colour-\($0.rawValue)" } }
    public var featureVersion: String { Self.similarity.version }

    /// The share of descriptions naming each colour.
    public func queryVector(_ query: QueryProfile) -> [Double] { VehicleColor.allCases.map { query.colors[$0] } }

    /// For each colour c, the pixels' similarity-weighted agreement with c.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        Self.similarity.features(seen: gallery.appearance[track.id]?.colours)
    }
}

extension TypeTerm: LinearScoreTerm {
    public var featureNames: [String] { BodyType.allCases.map { "type-\($0.rawValue)" } }
    public var featureVersion: String { Self.similarity.version }

    /// The share of descriptions naming each body type.
    public func queryVector(_ query: QueryProfile) -> [Double] { BodyType.allCases.map { query.types[$0] } }

    /// For each body type b, the pixels' similarity-weighted agreement with b.
    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        Self.similarity.features(seen: gallery.appearance[track.id]?.types)
    }
}

extension Contribution {
    /// For rankers outside this module (the index) that compute the same contributions.
    public static func make(term: String, weight: Double, score: Double, reason: String) -> Contribution {
        Contribution(term: term, weight: weight, score: score, reason: reason)
    }
}
