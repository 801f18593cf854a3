import Foundation
import SightlineData
import SightlineLanguage
@testable import SightlineRanking
import SightlineTestSupport
import SightlineTracks
import Testing

enum Gallery3 {
    static func track(_ id: String, _ points: [(Double, Double)], camera: String = "c001") -> Track {
        let frames = points.indices.map { FrameRef(path: "S01/\(camera)/img1/\($0 + 1).jpg", scene: "S01", camera: camera, frame: $0 + 1) }
        return Track(id: id, frames: frames, boxes: points.map { Box(x: $0.0 - 20, y: $0.1 - 20, w: 40, h: 40) })
    }

    static func line(_ a: (Double, Double), _ b: (Double, Double), _ n: Int = 30) -> [(Double, Double)] {
        (0...n).map { i in (a.0 + (b.0 - a.0) * Double(i) / Double(n), a.1 + (b.1 - a.1) * Double(i) / Double(n)) }
    }

    /// A straight track, a left turn and a right turn, on three cameras.
    static let gallery = Gallery(tracks: [
        track("straight", line((500, 900), (500, 100)), camera: "c001"),
        track("left", line((500, 900), (500, 500)) + line((500, 500), (100, 500)), camera: "c002"),
        track("right", line((500, 900), (500, 500)) + line((500, 500), (900, 500)), camera: "c003"),
    ])
}

struct RankerTests {
    let ranker = Ranker()

    @Test(arguments: [
        ("A red sedan turns left at the intersection.", "left"),
        ("A blue SUV makes a right turn.", "right"),
        ("A white truck goes straight down the road.", "straight"),
    ])
    func motionWordsFindTheMatchingPath(text: String, expected: String) {
        let ranked = ranker.rank(QueryRecord(id: "q", nl: [text, text, text]), in: Gallery3.gallery)
        #expect(ranked.first?.track == expected)
        #expect(Set(ranked.map(\.track)) == ["straight", "left", "right"])
    }

    @Test func explanationSumsToTheTotal() {
        let ranked = ranker.rank(QueryRecord(id: "q", nl: ["A car turns left at an intersection."]), in: Gallery3.gallery, explain: true)
        for s in ranked {
            #expect(abs(s.contributions.map(\.value).reduce(0, +) - s.total) < 1e-12)
            #expect(Set(s.contributions.map(\.term)) == Set(ranker.activeTerms.map(\.name)))
            #expect(s.contributions.allSatisfy { !$0.reason.isEmpty })
        }
        #expect(ranked.first?.contributions.first { $0.term == "motion" }?.reason.contains("left-turn") == true)
    }

    @Test func explanationsLeadWithWhatMatched() {
        let parts = [("stop", 0.0), ("motion", 0.5), ("size", 0.0), ("colour", 0.9), ("type", -0.1)].map {
            Contribution(term: $0.0, weight: 1, score: $0.1, reason: $0.0)
        }
        #expect(Contribution.byImpact(parts).map(\.term) == ["colour", "motion", "stop", "size", "type"])
        let ranked = ranker.rank(QueryRecord(id: "q", nl: ["A car turns left."]), in: Gallery3.gallery, explain: true)
        let left = try? #require(ranked.first { $0.track == "left" })
        let ordered = Contribution.byImpact(left?.contributions ?? [])
        #expect(ordered.first?.term == "motion")
        #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0.value >= $1.value })
    }

    @Test func zeroWeightRemovesATerm() {
        let onlyLocation = Ranker(weights: RankingWeights.standard.keeping(["location"]))
        let ranked = onlyLocation.rank(QueryRecord(id: "q", nl: ["A car turns left."]), in: Gallery3.gallery, explain: true)
        #expect(ranked.map(\.track) == ["straight", "left", "right"])
        #expect(ranked.allSatisfy { $0.contributions.map(\.term) == ["location"] })
    }

    @Test func submissionRanksEveryTrackForEveryQuery() throws {
        let queries = [QueryRecord(id: "a", nl: ["turns left"]), QueryRecord(id: "b", nl: ["turns right"])]
        let submission = ranker.submission(for: queries, in: Gallery3.gallery)
        #expect(submission.rankings.map(\.query) == ["a", "b"])
        #expect(submission["a"]?.first == "left")
        #expect(submission["b"]?.first == "right")
        let dir = TemporaryDirectory()
        try submission.write(to: dir.file("submission.json"), gallery: Gallery3.gallery.tracks.map(\.id))
        #expect(try Submission.load(from: dir.file("submission.json")) == submission)
    }

    @Test func locationTermRewardsAgreementBothWays() {
        let waits = Gallery3.track("waits", Array(repeating: (300, 300), count: 20), camera: "c009")
        let gallery = Gallery(tracks: Gallery3.gallery.tracks + [waits])
        let term = LocationTerm()
        let atIntersection = KeywordUnderstanding().profile(of: ["A car at the intersection."])
        let onRoad = KeywordUnderstanding().profile(of: ["A car on the road."])
        #expect(term.score(atIntersection, waits, in: gallery) == 1)
        #expect(term.score(atIntersection, gallery.tracks[0], in: gallery) == 0)
        #expect(term.score(onRoad, gallery.tracks[0], in: gallery) == 1)
    }

    @Test func relationTermNeedsANeighbourOnTheNamedSide() {
        func car(_ id: String, _ x0: Double) -> Track { Gallery3.track(id, Gallery3.line((x0, 500), (x0 + 400, 500))) }
        let gallery = Gallery(tracks: [car("front", 200), car("back", 100)])
        let followed = KeywordUnderstanding().profile(of: ["A sedan followed by a white truck."])
        let term = RelationTerm()
        #expect(term.score(followed, gallery.tracks[0], in: gallery) == 1)
        #expect(term.score(followed, gallery.tracks[1], in: gallery) == 0)
    }
}

struct RealValidationTests {
    /// The pixel-free ranking must beat chance on the 2022 val tracks (chance MRR is about 0.05).
    @Test(.requiresShared("cityflow-nl/2022/val-tracks.json"))
    func valRankingBeatsChance() throws {
        let url = TestData.sharedData("cityflow-nl/2022/val-tracks.json")
        let gallery = Gallery(tracks: try TrackFile.load(from: url))
        let queries = try QueryFile.queries(describing: gallery.tracks, file: url.path)
        let submission = Ranker().submission(for: queries, in: gallery)
        let metrics = try RetrievalMetrics(submission: submission, truth: .identity(of: gallery.tracks))
        #expect(metrics.mrr > 0.07)
    }
}
