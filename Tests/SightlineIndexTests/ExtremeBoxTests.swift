import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineRanking
import SightlineSearch
import SightlineTestSupport
import Testing

/// Tracks whose boxes sit at the limits a track file may hold: coordinates at ±100,000 pixels,
/// sizes from 100,000 pixels down to the smallest positive double.
enum ExtremeTracks {
    static func track(_ id: String, camera: String = "c001", start: Int = 1, _ boxes: [Box]) -> Track {
        let frames = boxes.indices.map { FrameRef(path: "S01/\(camera)/img1/\(start + $0).jpg", scene: "S01", camera: camera, frame: start + $0) }
        return Track(id: id, frames: frames, boxes: boxes)
    }

    static let limit = 100_000.0
    static let tiny = Double.leastNonzeroMagnitude

    static let tracks: [Track] = [
        track("jumping", (0..<12).map { i in
            Box(x: i.isMultiple(of: 2) ? -limit : limit, y: i % 3 == 0 ? limit : -limit, w: limit, h: limit)
        }),
        track("tiny", (0..<12).map { i in Box(x: limit - Double(i), y: -limit, w: tiny, h: tiny) }),
        track("tiny-still", Array(repeating: Box(x: limit, y: limit, w: tiny, h: tiny), count: 8)),
        track("huge-still", Array(repeating: Box(x: -limit, y: -limit, w: limit, h: limit), count: 8)),
        track("mixed", (0..<10).map { i in
            i.isMultiple(of: 2) ? Box(x: -limit, y: limit, w: tiny, h: limit) : Box(x: limit, y: -limit, w: limit, h: tiny)
        }),
        track("small-area", (0..<8).map { i in Box(x: 0, y: Double(i), w: 1e-150, h: 1e-150) }),
        track("alone-tiny", camera: "c002", (0..<6).map { i in Box(x: Double(i) * tiny, y: 0, w: tiny, h: tiny) }),
        track("alone-huge", camera: "c003", (0..<6).map { i in Box(x: Double(i) * 10_000 - limit, y: limit, w: limit, h: limit) }),
    ]

    static let queries = [
        "A red sedan turns left at the intersection.",
        "A big white truck goes straight down the street, followed by a black SUV.",
        "A small blue car turns right behind a bus and stops.",
        "A car.",
    ]
}

struct ExtremeBoxTests {
    let scratch = TemporaryDirectory(prefix: "sightline-index")

    @Test func rankingAndExplainingExtremeBoxesGivesFiniteScores() {
        let gallery = Gallery(tracks: ExtremeTracks.tracks)
        for (i, text) in ExtremeTracks.queries.enumerated() {
            let scored = Ranker().rank(QueryRecord(id: "q\(i)", nl: [text]), in: gallery, explain: true)
            #expect(scored.count == ExtremeTracks.tracks.count)
            for s in scored {
                #expect(s.total.isFinite, "\(text): \(s.track) total \(s.total)")
                for c in s.contributions {
                    #expect(c.score.isFinite && c.value.isFinite, "\(text): \(s.track) \(c.term) score \(c.score)")
                    #expect(!c.reason.isEmpty)
                }
            }
        }
    }

    @Test func indexAddAndSearchOfExtremeBoxesDoNotTrap() async throws {
        let index = try await IndexLocation.open(Backend.sqlite.freshLocation(in: scratch), access: .create)
        let report = try await index.add(ExtremeTracks.tracks, options: AddOptions())
        #expect(report.added == ExtremeTracks.tracks.count)
        for track in ExtremeTracks.tracks {
            #expect(try await index.track(id: track.id) == track)
        }
        let searcher = try await IndexSearcher(index: index)
        for text in ExtremeTracks.queries {
            let hits = try await searcher.search(SearchRequest(text: text, top: ExtremeTracks.tracks.count))
            #expect(hits.count == ExtremeTracks.tracks.count)
            #expect(hits.allSatisfy { $0.total.isFinite }, "\(text)")
        }
        try await index.close()
    }

    @Test func memoryBackendSearchOfExtremeBoxesDoesNotTrap() async throws {
        let backend = MemoryBackend(tracks: ExtremeTracks.tracks)
        for text in ExtremeTracks.queries {
            let hits = try await backend.search(SearchRequest(text: text, top: ExtremeTracks.tracks.count))
            #expect(hits.count == ExtremeTracks.tracks.count)
            #expect(hits.allSatisfy { $0.total.isFinite && $0.contributions.allSatisfy(\.score.isFinite) }, "\(text)")
        }
    }

    /// Tracks made in code skip the file checks; a search over absurd boxes must still answer.
    @Test func memoryBackendSearchOfUncheckedHugeBoxesDoesNotTrap() async throws {
        let huge = ExtremeTracks.track("huge", (0..<8).map { i in
            Box(x: i.isMultiple(of: 2) ? -1e308 : 1e308, y: 1e308, w: 1e308, h: 1e308)
        })
        let backend = MemoryBackend(tracks: [huge] + ExtremeTracks.tracks)
        for text in ExtremeTracks.queries {
            let hits = try await backend.search(SearchRequest(text: text, top: 100))
            #expect(hits.count == ExtremeTracks.tracks.count + 1)
        }
    }
}
