import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlineIndex
import SightlineServer
import SightlineTestSupport
import Testing

/// The API over the persistent index (SQLite) answers as it does over the in-memory ranking.
struct IndexBackendTests {
    let dir = TemporaryDirectory(prefix: "sightline-server")

    func sqliteBackend(_ tracks: [Track], framesRoot: String? = nil) async throws -> IndexSearcher {
        let index = try SQLiteIndex(path: dir.file("index.sqlite").path)
        _ = try await index.add(tracks, options: AddOptions(framesRoot: framesRoot))
        return try await IndexSearcher(index: index)
    }

    @Test func sqliteIndexServesTheSameRankingAndTracks() async throws {
        let searcher = try await sqliteBackend(Fixture.tracks)
        let memory = Application(router: SightlineServer(backend: Fixture.backend).router())
        let indexed = Application(router: SightlineServer(backend: searcher).router())
        let body = #"{"text": "A red sedan turns left.\nA car turning left.", "top": 3}"#
        let expected = try await memory.test(.router) { try await $0.postJSON("/search", body).decoded(SearchResult.self) }
        try await indexed.test(.router) { client in
            let result = try await client.postJSON("/search", body).decoded(SearchResult.self)
            #expect(result.hits.map(\.track) == expected.hits.map(\.track))
            for (a, b) in zip(result.hits, expected.hits) {
                #expect(abs(a.total - b.total) < 1e-6)
            }
            let detail = try await client.get("/tracks/left").decoded(TrackResult.self)
            #expect(detail.camera == "S01/c001" && detail.boxes.count == 5 && detail.trajectory.turn == "left-turn")
            #expect(try await client.get("/tracks/nope").status == .notFound)
            let vocabulary = try JSONSerialization.jsonObject(with: Data(buffer: try await client.get("/vocabulary").body)) as? [String: [String]]
            #expect(vocabulary?["cameras"] == ["S01/c001", "S01/c002"])
        }
    }

    @Test(.requiresShared("cityflow-sample/test-tracks.json", "cityflow-sample/frames"))
    func sqliteIndexWithFramesRendersThumbnails() async throws {
        let tracks = try TrackFile.load(from: TestData.sharedData("cityflow-sample/test-tracks.json"))
        let searcher = try await sqliteBackend(tracks, framesRoot: TestData.sharedData("cityflow-sample/frames").path)
        try await Application(router: SightlineServer(backend: searcher).router()).test(.router) { client in
            let response = try await client.get("/tracks/\(tracks[1].id)/thumbnail")
            #expect(response.status == .ok)
            #expect(pngSize(Array(buffer: response.body)) != nil)
        }
    }
}
