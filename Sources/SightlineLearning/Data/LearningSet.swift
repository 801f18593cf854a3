import SightlineData
import SightlineLanguage
import SightlineTracks

/// One described track ready for training: its sequence and the text features of each of its
/// descriptions, of their mirrored versions and of its other-view descriptions.
public struct LearningExample: Sendable {
    public var id: String
    public var camera: String
    public var sequence: TrackSequence
    public var texts: [[Float]]
    /// `texts` of the descriptions with left and right swapped, row for row.
    public var mirroredTexts: [[Float]]
    public var otherViews: [[Float]]
    /// The track's frozen image features (`TrackImageFeatures`), nil when its frames were not read.
    public var image: [Float]?
    /// What the parser reads from the descriptions, the readings' labels.
    public var labels: [TrackReadings.Reading: Int?] = [:]
    /// The rules' path class from the boxes, for comparison.
    public var rulesTurn: Motion = .straight
}

/// The described tracks of one track file, as the learned model sees them. Camera flows and
/// neighbours come from the file's own tracks, as they come from the gallery at ranking time.
public struct LearningSet: Sendable {
    public var examples: [LearningExample]

    public init(examples: [LearningExample]) { self.examples = examples }

    /// The described tracks of `tracks`, with the image features of those in `images` (by id);
    /// `embed` gives MiniLM embeddings of sentences in order.
    public init(tracks: [Track], images: [String: [Float]] = [:], embed: ([String]) -> [[Float]]) {
        let described = tracks.filter { !$0.nl.isEmpty }
        let analysis = TrackAnalysis(tracks: tracks)
        let sequences = TrackSequence.sequences(of: tracks, analysis: analysis)
        let understanding = TypedUnderstanding()
        var all: [String] = []
        for t in described { all += t.nl + t.nl.map(TextAugmentation.mirrored) + t.otherViews }
        let features = LearnedText.features(of: all, embed: embed)
        var cursor = 0
        func take(_ n: Int) -> [[Float]] {
            defer { cursor += n }
            return Array(features[cursor..<(cursor + n)])
        }
        examples = described.map { t in
            LearningExample(id: t.id, camera: t.cameraKey, sequence: sequences[t.id] ?? TrackSequence(rows: []),
                            texts: take(t.nl.count), mirroredTexts: take(t.nl.count), otherViews: take(t.otherViews.count),
                            image: images[t.id],
                            labels: TrackReadings.labels(understanding.profile(of: t.nl)),
                            rulesTurn: analysis.trajectories[t.id]?.turn ?? .straight)
        }
    }

    /// The examples of the cameras `keep` accepts.
    public func filter(cameras keep: (String) -> Bool) -> LearningSet {
        LearningSet(examples: examples.filter { keep($0.camera) })
    }

    public var cameras: [String] { Array(Set(examples.map(\.camera))).sorted() }

    /// The width of the examples' image features, 0 when none has any.
    public var imageFeatures: Int { examples.lazy.compactMap(\.image).first?.count ?? 0 }
}
