import SightlineAppearance
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

    public init(tracks: [Track], analysis: TrackAnalysis? = nil, appearance: [String: TrackAppearance] = [:]) {
        self.tracks = tracks
        self.analysis = analysis ?? TrackAnalysis(tracks: tracks)
        self.appearance = appearance
    }
}

/// One named piece of evidence for a (query, track) pair. Ranking multiplies its score by
/// the weight named `name` in `RankingWeights` and keeps each contribution for the explanation.
public protocol ScoreTerm: Sendable {
    /// Short stable name, used in weights, explanations and `--terms`.
    var name: String { get }
    /// Evidence that `track` is what `query` describes, usually in [0, 1]; 0 when the query says nothing this term reads.
    func score(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> Double
    /// One line on why the term scored what it did, for explanations.
    func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String
}
