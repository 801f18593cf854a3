import Foundation
import SightlineData
import SightlineLearning
import Testing

struct ReadingsCeilingTests {
    static func track(_ id: String, _ text: String) -> Track {
        Track(id: id, frames: [FrameRef(path: "S01/c001/img1/000001.jpg", scene: "S01", camera: "c001", frame: 1)],
              boxes: [Box(x: 0, y: 0, w: 10, h: 10)], nl: [text, text, text])
    }

    let tracks = [track("left-a", "A red sedan turns left at the intersection."), track("left-b", "A blue SUV turns left at the intersection."),
                  track("straight", "A white truck goes straight down the street."),
                  track("stops", "A black car goes straight and stops at the intersection.")]

    @Test func aTrackWithUniqueReadingsRanksFirstAndTiesShareTheTop() throws {
        for seed in UInt64(0)..<8 {
            let submission = ReadingsCeiling.submission(tracks: tracks, seed: seed)
            #expect(submission["straight"]?.first == "straight")
            #expect(submission["stops"]?.first == "stops")
            #expect(Set(try #require(submission["left-a"]).prefix(2)) == ["left-a", "left-b"])
            #expect(submission.rankings.allSatisfy { Set($0.tracks) == Set(tracks.map(\.id)) })
        }
        let mrr = (UInt64(0)..<40).map { seed in
            (try? RetrievalMetrics(submission: ReadingsCeiling.submission(tracks: tracks, seed: seed), truth: .identity(of: tracks), file: "t"))?.mrr ?? 0
        }.reduce(0, +) / 40
        #expect(mrr > 0.8 && mrr < 0.95, "two unique tracks at 1 and two tied at 0.75 on average: \(mrr)")
    }
}
