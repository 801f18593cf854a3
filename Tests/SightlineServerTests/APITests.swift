import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlineIndex
import SightlineRanking
import SightlineSearch
import SightlineServer
import Testing

/// The HTTP API through Hummingbird's router test client: answers, limits and errors.
struct APITests {
    let server = SightlineServer(backend: Fixture.backend)
    var app: some ApplicationProtocol { Application(router: server.router()) }

    @Test func searchRanksLikeTheRankerAndExplainsEachTerm() async throws {
        let text = "A red sedan turns left.\nA car turning left."
        let expected = Ranker().rank(QueryRecord(id: "q", nl: SearchRequest(text: text).descriptions), in: Fixture.backend.gallery, explain: true)
        try await app.test(.router) { client in
            let response = try await client.postJSON("/search", #"{"text": "A red sedan turns left.\nA car turning left.", "top": 3}"#)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let result = try response.decoded(SearchResult.self)
            #expect(result.hits.map(\.track) == expected.map(\.track))
            #expect(result.hits.first?.track == "left")
            #expect(result.hits.map(\.rank) == [1, 2, 3])
            for (hit, scored) in zip(result.hits, expected) {
                #expect(abs(hit.total - scored.total) < 1e-9)
                #expect(hit.contributions.map(\.term) == scored.contributions.map(\.term))
                #expect(hit.contributions.allSatisfy { !$0.reason.isEmpty && abs($0.value - $0.weight * $0.score) < 1e-9 })
                #expect(abs(hit.contributions.map(\.value).reduce(0, +) - hit.total) < 1e-9)
            }
        }
    }

    @Test func topAndFiltersCutTheRanking() async throws {
        try await app.test(.router) { client in
            let one = try await client.postJSON("/search", #"{"text": "a car stops", "top": 1}"#).decoded(SearchResult.self)
            #expect(one.hits.count == 1)
            let c002 = try await client.postJSON("/search", #"{"text": "a car stops", "cameras": ["S01/c002"]}"#).decoded(SearchResult.self)
            #expect(Set(c002.hits.map(\.track)) == ["straight", "stopped"])
            let short = try await client.postJSON("/search", #"{"text": "a car stops", "cameras": ["c001"]}"#).decoded(SearchResult.self)
            #expect(short.hits.map(\.track) == ["left"])
            let red = try await client.postJSON("/search", #"{"text": "a car", "colours": ["red"]}"#)
            #expect(red.status == .ok)
            #expect(try red.decoded(SearchResult.self).hits.isEmpty, "no track has pixels, so none has a colour")
        }
    }

    @Test(arguments: [
        (#"{"text": "a car", "#, HTTPResponse.Status.badRequest, "not valid JSON"),
        ("not json at all", .badRequest, "not valid JSON"),
        (#"["a car"]"#, .badRequest, "a JSON object"),
        (#"{"top": 5}"#, .badRequest, "missing field 'text'"),
        (#"{"text": "   "}"#, .badRequest, "'text' is empty"),
        (#"{"text": 42}"#, .badRequest, "'text' must be a string"),
        (#"{"text": "a car", "top": 0}"#, .badRequest, "'top' must be between 1 and 1000"),
        (#"{"text": "a car", "top": -3}"#, .badRequest, "'top' must be between 1 and 1000"),
        (#"{"text": "a car", "top": 1000000000}"#, .badRequest, "'top' must be between 1 and 1000"),
        (#"{"text": "a car", "top": 2.5}"#, .badRequest, "'top' must be an integer"),
        (#"{"text": "a car", "top": 1e300}"#, .badRequest, "'top' must be between 1 and 1000"),
        (#"{"text": "a car", "top": "ten"}"#, .badRequest, "'top' must be a number"),
        (#"{"text": "a car", "colours": ["mauve"]}"#, .badRequest, "unknown value 'mauve'"),
        (#"{"text": "a car", "types": ["spaceship"]}"#, .badRequest, "unknown value 'spaceship'"),
        (#"{"text": "a car", "cameras": "c001"}"#, .badRequest, "'cameras'"),
    ])
    func badSearchesGetAJSONError(body: String, status: HTTPResponse.Status, message: String) async throws {
        try await app.test(.router) { client in
            let response = try await client.postJSON("/search", body)
            #expect(response.status == status)
            let error = try #require(response.errorMessage, "body: \(String(buffer: response.body))")
            #expect(error.contains(message), "\(error)")
        }
    }

    @Test func topAtTheLimitsIsAccepted() async throws {
        try await app.test(.router) { client in
            #expect(try await client.postJSON("/search", #"{"text": "a car", "top": 1}"#).status == .ok)
            let all = try await client.postJSON("/search", #"{"text": "a car", "top": 1000}"#)
            #expect(all.status == .ok)
            #expect(try all.decoded(SearchResult.self).hits.count == Fixture.tracks.count)
        }
    }

    @Test func queryTooLongIs422() async throws {
        let text = String(repeating: "a white van ", count: 200)
        try await app.test(.router) { client in
            let response = try await client.postJSON("/search", #"{"text": "\#(text)"}"#)
            #expect(response.status == .unprocessableContent)
            #expect(response.errorMessage?.contains("2400 characters; the limit is 2000") == true)
            let atLimit = String(repeating: "x", count: 2_000)
            #expect(try await client.postJSON("/search", #"{"text": "\#(atLimit)"}"#).status == .ok)
        }
    }

    @Test func hugeBodyIs413() async throws {
        let padding = String(repeating: " ", count: 70_000)
        try await app.test(.router) { client in
            let response = try await client.postJSON("/search", #"{"text": "a car",\#(padding)"top": 5}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorMessage?.contains("larger than 65536 bytes") == true)
        }
    }

    @Test func trackDetailCarriesBoxesDescriptionsAndTrajectory() async throws {
        try await app.test(.router) { client in
            let left = try await client.get("/tracks/left")
            #expect(left.status == .ok)
            let detail = try left.decoded(TrackResult.self)
            #expect(detail.camera == "S01/c001")
            #expect(detail.frameCount == 5)
            #expect(detail.boxes.first == [500, 900, 40, 40])
            #expect(detail.descriptions == ["A red sedan turns left."])
            #expect(detail.trajectory.turn == "left-turn")
            #expect(detail.images.thumbnail == nil && detail.images.motionMap == nil && detail.images.colourRegion == nil)
            let stopped = try await client.get("/tracks/stopped").decoded(TrackResult.self)
            #expect(stopped.trajectory.stops)
        }
    }

    @Test(arguments: ["/tracks/nope", "/tracks/nope/thumbnail", "/tracks/nope/motion-map", "/tracks/nope/colour-region"])
    func unknownTrackIs404(path: String) async throws {
        try await app.test(.router) { client in
            let response = try await client.get(path)
            #expect(response.status == .notFound)
            #expect(response.errorMessage == "no track with id 'nope'")
        }
    }

    @Test func imagesWithoutFramesAre404() async throws {
        try await app.test(.router) { client in
            for path in ["/tracks/left/thumbnail", "/tracks/left/motion-map", "/tracks/left/colour-region"] {
                let response = try await client.get(path)
                #expect(response.status == .notFound)
                #expect(response.errorMessage?.contains("no frames") == true)
            }
        }
    }

    @Test func healthVocabularyPageAndUnknownRoutes() async throws {
        try await app.test(.router) { client in
            #expect(try await client.get("/health").errorMessage == nil)
            #expect(try await client.get("/health").status == .ok)
            let vocabulary = try await client.get("/vocabulary")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: vocabulary.body)) as? [String: [String]])
            #expect(object["cameras"] == ["S01/c001", "S01/c002"])
            #expect(object["colours"]?.contains("red") == true)
            #expect(object["types"]?.contains("pickup") == true)
            let page = try await client.get("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(String(buffer: page.body).contains(#"id="query""#))
            #expect(try await client.get("/app.js").headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(try await client.get("/style.css").status == .ok)
            let missing = try await client.get("/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.errorMessage == "no such resource: /nothing-here")
            let wrongMethod = try await client.get("/search")
            #expect(wrongMethod.status == .notFound || wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.errorMessage != nil)
        }
    }

    @Test func fiftyConcurrentSearchesAgree() async throws {
        try await app.test(.router) { client in
            let results = try await withThrowingTaskGroup(of: SearchResult.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let response = try await client.postJSON("/search", #"{"text": "a car turns left", "top": 3}"#)
                        #expect(response.status == .ok)
                        return try response.decoded(SearchResult.self)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.count == 50)
            #expect(Set(results.map { $0.hits.map(\.track) }).count == 1)
            #expect(results.allSatisfy { $0.hits == results[0].hits })
        }
    }
}
