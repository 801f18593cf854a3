import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineLanguage
import SightlineRanking
import SightlineTestSupport
import Testing

/// Every score term's two sides have one value per feature name, and every term scores
/// somewhere, so the stored layout and the ranking read the same numbers. The learned term scores
/// only with embeddings computed beforehand by the learned model (`LearnedTermTests`).
struct ScoreTermTests {
    static func check(tracks: [Track], queries: [QueryRecord], appearance: [String: TrackAppearance],
                      mustScore: [String] = Ranker.allTerms.map(\.name).filter { $0 != LearnedTerm().name }) {
        let gallery = Gallery(tracks: tracks, appearance: appearance)
        let understanding = TypedUnderstanding()
        var nonZero: [String: Int] = [:]
        for q in queries {
            let profile = understanding.profile(of: q.nl)
            for term in Ranker.allTerms {
                let qv = term.queryVector(profile)
                #expect(qv.count == term.featureNames.count, "\(term.name) query vector")
                for t in tracks {
                    let tv = term.trackFeatures(t, in: gallery)
                    #expect(tv.count == term.featureNames.count, "\(term.name) \(t.id) features")
                    #expect(tv.allSatisfy(\.isFinite) && qv.allSatisfy(\.isFinite))
                    if term.score(profile, t, in: gallery) != 0 { nonZero[term.name, default: 0] += 1 }
                }
            }
        }
        // The check means something only where terms score.
        for name in mustScore { #expect(nonZero[name, default: 0] > 0, "\(name) never scored") }
    }

    @Test(.requiresShared("cityflow-nl/2022/val-tracks.json", "cityflow-nl/2022/test-tracks.json", "cityflow-nl/2022/test-queries.json"))
    func everyTermScoresRealTracks() {
        let val = Fixtures.valTracks
        let queries = val.map { QueryRecord(id: $0.id, nl: $0.nl) }
        Self.check(tracks: val, queries: queries, appearance: Fixtures.appearance(of: val))
        Self.check(tracks: Fixtures.testTracks, queries: Array(Fixtures.testQueries.prefix(40)), appearance: Fixtures.appearance(of: Fixtures.testTracks))
    }

    @Test func everyTermScoresSyntheticTracks() {
        let queries = [
            QueryRecord(id: "1", nl: ["A red pickup turns left at an intersection.", "A big truck stops, followed by a white sedan."]),
            QueryRecord(id: "2", nl: ["A blue bus goes straight next to a car.", "A silver SUV turns right behind a van."]),
            QueryRecord(id: "3", nl: ["A black sedan waits at the light, in front of a pickup."]),
        ]
        // Every synthetic box has the same size, so the size term scores 0 throughout.
        Self.check(tracks: Fixtures.small, queries: queries, appearance: Fixtures.appearance(of: Fixtures.small),
                   mustScore: Ranker.allTerms.map(\.name).filter { $0 != "size" && $0 != LearnedTerm().name })
    }

    @Test func layoutCoversEveryTermAndNamesItsVersion() {
        let layout = FeatureLayout.standard
        #expect(layout.slices.map(\.term.name) == Ranker.allTerms.map(\.name))
        #expect(layout.dimensions == layout.slices.map(\.range.count).reduce(0, +))
        var motion = MotionTerm()
        motion.turnDegrees = 40
        let other = FeatureLayout(terms: [motion] + Ranker.allTerms.dropFirst())
        #expect(other.version != layout.version, "a changed threshold changes the version")
    }

    @Test func registryNamesEachTermOnceWithItsWeight() {
        let names = Ranker.registry.map(\.term.name)
        #expect(Set(names).count == names.count)
        #expect(RankingWeights.handSet.weights == Dictionary(uniqueKeysWithValues: Ranker.registry.map { ($0.term.name, $0.weight) }))
        #expect(Set(RankingWeights.standard.weights.keys) == Set(names), "the shipped fitted weights give every term a weight")
        #expect(names == ["motion", "stop", "location", "relation", "size", "colour", "type", "relation-look", "learned"])
    }
}

struct TrackCodecTests {
    @Test func framesAndBoxesRoundTrip() throws {
        for t in Fixtures.small + Fixtures.testTracks.prefix(20) {
            #expect(try TrackCodec.decodeFrames(TrackCodec.encodeFrames(t.frames)) == t.frames)
            #expect(try TrackCodec.decodeBoxes(TrackCodec.encodeBoxes(t.boxes)) == t.boxes)
        }
        let odd = [FrameRef(path: "x/S01/c001/img1/7.png", scene: "S01", camera: "c001", frame: 7),
                   FrameRef(path: "x/S01/c001/img1/0012.jpg", scene: "S01", camera: "c001", frame: 12)]
        #expect(try TrackCodec.decodeFrames(TrackCodec.encodeFrames(odd)) == odd)
        let fractional = [Box(x: 1.5, y: -2, w: 3.25, h: 4), Box(x: 0, y: 0, w: 1e-3, h: 1e9)]
        #expect(try TrackCodec.decodeBoxes(TrackCodec.encodeBoxes(fractional)) == fractional)
        let negative = [Box(x: -5, y: 10, w: 3, h: 4), Box(x: 7, y: -100, w: 30, h: 4)]
        #expect(try TrackCodec.decodeBoxes(TrackCodec.encodeBoxes(negative)) == negative)
    }

    @Test func compactFramesAreSmall() {
        let t = Fixtures.track("x", frames: 200)
        #expect(TrackCodec.encodeFrames(t.frames).count < 260)
        #expect(TrackCodec.encodeBoxes(t.boxes).count < 1000)
    }
}
