import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlinePixels
import SightlineRanking
import SightlineSearch
import SightlineServer
import SightlineTestSupport
import Testing

/// The API over real CityFlow-NL tracks and real frames.
struct RealDataTests {
    @Test(.requiresShared("cityflow-nl/2022/test-tracks.json", "cityflow-nl/2022/test-queries.json"))
    func searchOverTheTestTracksRanksLikeTheRanker() async throws {
        let tracks = try TrackFile.load(from: TestData.sharedData("cityflow-nl/2022/test-tracks.json"))
        let queries = try QueryFile.load(from: TestData.sharedData("cityflow-nl/2022/test-queries.json")).prefix(5)
        let backend = MemoryBackend(tracks: tracks)
        let app = Application(router: SightlineServer(backend: backend).router())
        try await app.test(.router) { client in
            for query in queries {
                let text = query.nl.joined(separator: "\n")
                let body = try JSONSerialization.data(withJSONObject: ["text": text, "top": 50])
                let response = try await client.execute(uri: "/search", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
                #expect(response.status == .ok)
                let hits = try response.decoded(SearchResult.self).hits
                let expected = Ranker().rank(QueryRecord(id: query.id, nl: query.nl), in: backend.gallery).prefix(50)
                #expect(hits.map(\.track) == expected.map(\.track), "query \(query.id)")
                #expect(hits.allSatisfy { $0.contributions.count == Ranker().activeTerms.count })
            }
            let id = tracks[0].id
            let detail = try await client.execute(uri: "/tracks/\(id)", method: .get).decoded(TrackResult.self)
            #expect(detail.frameCount == tracks[0].frames.count)
            #expect(detail.boxes.count == tracks[0].boxes.count)
            #expect(detail.camera == tracks[0].cameraKey)
        }
    }

    @Test(.requiresShared("cityflow-sample/test-tracks.json", "cityflow-sample/frames"))
    func thumbnailsAndMotionMapsFromRealFrames() async throws {
        let tracks = try TrackFile.load(from: TestData.sharedData("cityflow-sample/test-tracks.json"))
        let backend = MemoryBackend(tracks: tracks, framesRoot: TestData.sharedData("cityflow-sample/frames").path)
        let cache = TemporaryDirectory(prefix: "sightline-server")
        let server = SightlineServer(backend: backend, configuration: ServerConfiguration(cacheDirectory: cache.url))
        try await Application(router: server.router()).test(.router) { client in
            let id = tracks[0].id
            let detail = try await client.execute(uri: "/tracks/\(id)", method: .get).decoded(TrackResult.self)
            #expect(detail.images.thumbnail == "/tracks/\(id)/thumbnail")

            let thumbnail = try await client.execute(uri: "/tracks/\(id)/thumbnail", method: .get)
            #expect(thumbnail.status == .ok)
            #expect(thumbnail.headers[.contentType] == "image/png")
            let size = try #require(pngSize(Array(buffer: thumbnail.body)))
            #expect(size.width == size.height && size.width <= 256 && size.width > 32, "a square crop of the vehicle")

            let maps = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<4 {
                    group.addTask { Array(buffer: try await client.execute(uri: "/tracks/\(id)/motion-map", method: .get).body) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let map = try #require(pngSize(maps[0]))
            #expect(map.width == 960 && map.height == 540, "the 1920x1080 frame halved")
            #expect(Set(maps).count == 1, "concurrent requests get the same picture")
            let again = try await client.execute(uri: "/tracks/\(id)/motion-map", method: .get)
            #expect(Array(buffer: again.body) == maps[0])
        }
    }

    /// The colour region is the un-enlarged crop with the road greyed: some pixels keep their colour, some are grey.
    @Test(.requiresShared("cityflow-sample/test-tracks.json", "cityflow-sample/frames"))
    func colourRegionGreysAllButThePaintedSurface() async throws {
        let tracks = try TrackFile.load(from: TestData.sharedData("cityflow-sample/test-tracks.json"))
        let backend = MemoryBackend(tracks: tracks, framesRoot: TestData.sharedData("cityflow-sample/frames").path)
        let cache = TemporaryDirectory(prefix: "sightline-server")
        let server = SightlineServer(backend: backend, configuration: ServerConfiguration(cacheDirectory: cache.url))
        try await Application(router: server.router()).test(.router) { client in
            let id = tracks[0].id
            let detail = try await client.execute(uri: "/tracks/\(id)", method: .get).decoded(TrackResult.self)
            #expect(detail.images.colourRegion == "/tracks/\(id)/colour-region")
            let response = try await client.execute(uri: "/tracks/\(id)/colour-region", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/png")
            let image = try ImageDecoder.decode(Array(buffer: response.body))
            var grey = 0
            for i in 0..<(image.width * image.height) where image.pixels[3 * i] == image.pixels[3 * i + 1] && image.pixels[3 * i + 1] == image.pixels[3 * i + 2] {
                grey += 1
            }
            #expect(grey > image.width * image.height / 10, "the road and the border are greyed")
            #expect(grey < image.width * image.height * 9 / 10, "the painted surface keeps its colour")
        }
    }
}
