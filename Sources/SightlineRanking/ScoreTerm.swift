import SightlineData
import SightlineLanguage
import SightlineTracks

/// The gallery being ranked: its tracks, what their boxes say and, when frames were
/// available, what their pixels say.
public struct Gallery: Sendable {
    public var tracks: [Track]
    public var analysis: TrackAnalysis
    /// Colour, type and embedding per track id; empty without frames.
    public var appearance: [String: TrackAppearance]
    /// The learned model's unit track embedding per track id, computed by the caller; empty without a model.
    public var learned: [String: [Double]]
    /// The learned model's calibrated readings of each track, shown in explanations ("left turn 0.83, stops 0.10, …").
    public var learnedReadings: [String: TrackProbabilities]

    public init(tracks: [Track], analysis: TrackAnalysis? = nil, appearance: [String: TrackAppearance] = [:],
                learned: [String: [Double]] = [:], learnedReadings: [String: TrackProbabilities] = [:]) {
        self.tracks = tracks
        self.analysis = analysis ?? TrackAnalysis(tracks: tracks)
        self.appearance = appearance
        self.learned = learned
        self.learnedReadings = learnedReadings
    }
}

/// One named piece of evidence for a (query, track) pair, in linear form: a query vector and
/// a track feature vector whose dot product is the score. Ranking multiplies the score by the
/// term's weight and keeps each contribution for the explanation; an index stores the track
/// side once and scores millions of tracks per query by reading only the columns the query
/// vector does not zero. Vectors are `Double` so that every backend ranks identically.
public protocol ScoreTerm: Sendable {
    /// Short stable name, used in weights, explanations and `--terms`.
    var name: String { get }
    /// One name per feature dimension, in order.
    var featureNames: [String] { get }
    /// What the track features depend on besides the track and its camera (thresholds,
    /// similarity tables); part of the index's feature version, so a change forces a rebuild.
    var featureVersion: String { get }
    /// The query side; one value per feature name, all 0 when the query says nothing this term reads.
    func queryVector(_ query: QueryProfile) -> [Double]
    /// The track side; one value per feature name. Depends on the track's camera (context,
    /// neighbours, size ratio), so it changes when the camera's tracks change.
    func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double]
    /// One line on why the term scored what it did, for explanations.
    func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String
}

extension ScoreTerm {
    public var featureVersion: String { "1" }

    /// Evidence that `track` is what `query` describes: the dot product of the two sides.
    public func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double {
        dot(queryVector(query), trackFeatures(track, in: gallery))
    }
}

/// The dot product of a query vector and a track's feature vector, summed in dimension order.
@inlinable
public func dot(_ query: [Double], _ features: [Double]) -> Double {
    var sum = 0.0
    for (q, f) in zip(query, features) { sum += q * f }
    return sum
}
