import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineIndex
import SightlineSearch
import SightlineServer
import SightlineTestSupport
import Testing

/// A server that lets `top` be as large as a client likes answers with the whole gallery,
/// from memory and from an index, without sizing anything by `top`.
struct HugeTopTests {
    let scratch = TemporaryDirectory(prefix: "sightline-server")

    func backends() async throws -> [any SearchBackend] {
        let index = try await IndexLocation.open(scratch.file("i.sqlite").path, access: .create)
        _ = try await index.add(Fixture.tracks, options: AddOptions())
        return [Fixture.backend, try await IndexSearcher(index: index)]
    }

    @Test(arguments: ["4294967296", "9223372036854775807", "1e300"])
    func aHugeTopReturnsTheGallery(top: String) async throws {
        for backend in try await backends() {
            let server = SightlineServer(backend: backend, configuration: ServerConfiguration(maxTop: .max))
            try await Application(router: server.router()).test(.router) { client in
                let response = try await client.postJSON("/search", #"{"text": "a car stops", "top": \#(top)}"#)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(try response.decoded(SearchResult.self).hits.count == Fixture.tracks.count, "\(type(of: backend))")
            }
        }
    }
}

/// Foundation's `JSONDecoder` traps on some bodies nested past its limit; the server refuses them first.
struct DeepBodyTests {
    @Test(arguments: [String(repeating: "[", count: 513), #"{"text": "# + String(repeating: "[", count: 512), String(repeating: "[", count: 60_000)])
    func aBodyNestedPastTheLimitIsABadRequest(body: String) async throws {
        try await Application(router: SightlineServer(backend: Fixture.backend).router()).test(.router) { client in
            let response = try await client.postJSON("/search", body)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage?.contains("nesting deeper than 512") == true, "\(response.errorMessage ?? "")")
        }
    }
}
