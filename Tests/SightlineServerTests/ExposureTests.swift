import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SightlineData
import SightlineSearch
import SightlineServer
import SightlineTestSupport
import Synchronization
import Testing

/// What keeps the server from being held open, reached from elsewhere or made to leak: the token,
/// the `Host` check, the JSON content type, the security headers, the timeouts and the connection cap.
@Suite struct ExposureTests {
    static let token = "0123456789abcdef0123456789abcdef"

    @Test func theTokenIsRequiredWhereSetAndMustMatch() async throws {
        let app = Application(router: SightlineServer(backend: Fixture.backend, configuration: .init(token: Self.token)).router())
        try await app.test(.router) { client in
            let search = #"{"text": "a car"}"#
            for authorization in [nil, "Bearer wrong-token-of-some-length", "Bearer \(Self.token)x", "Bearer \(Self.token.dropLast())", Self.token] {
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[.authorization] = authorization
                let response = try await client.execute(uri: "/search", method: .post, headers: headers, body: ByteBuffer(string: search))
                #expect(response.status == .unauthorized, "\(authorization ?? "none")")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(response.errorMessage?.contains("access token") == true)
            }
            for path in ["/vocabulary", "/tracks/left", "/tracks/left/thumbnail"] {
                #expect(try await client.get(path).status == .unauthorized, "\(path)")
            }
            let bearer: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(Self.token)"]
            let accepted = try await client.execute(uri: "/search", method: .post, headers: bearer, body: ByteBuffer(string: search))
            #expect(accepted.status == .ok)
            #expect(try await client.execute(uri: "/tracks/left", method: .get, headers: bearer).status == .ok)
            for open in ["/", "/app.js", "/style.css", "/health"] {
                #expect(try await client.get(open).status == .ok, "the page and /health need no token: \(open)")
            }
        }
    }

    @Test func beyondLoopbackAServerNeedsAToken() throws {
        #expect(throws: ServerConfigurationError.tokenRequired(host: "0.0.0.0")) { try ServerConfiguration(host: "0.0.0.0").validated() }
        #expect(throws: ServerConfigurationError.tokenRequired(host: "192.168.1.20")) { try ServerConfiguration(host: "192.168.1.20").validated() }
        #expect(throws: ServerConfigurationError.weakToken(characters: 5)) { try ServerConfiguration(host: "0.0.0.0", token: "short").validated() }
        for loopback in ["127.0.0.1", "localhost", "::1", "127.1.2.3"] {
            #expect(throws: Never.self) { try ServerConfiguration(host: loopback).validated() }
        }
        #expect(throws: Never.self) { try ServerConfiguration(host: "0.0.0.0", token: Self.token).validated() }
    }

    @Test func otherHostsAreRefused() async throws {
        let server = SightlineServer(backend: Fixture.backend, configuration: .init(port: 0, allowedHosts: ["search.example.org", "proxy.example:8443"]))
        let statuses = try await withLiveServer(server) { port in
            var statuses: [(String, Int?)] = []
            for host in ["localhost", "localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)", "search.example.org", "search.example.org:443",
                         "proxy.example:8443", "LOCALHOST:\(port)",
                         "evil.example", "evil.example:\(port)", "localhost:1", "proxy.example:9000", "127.0.0.1.evil.example"] {
                let response = try await RawSocket(port: port).request("GET /health HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
                statuses.append((host, statusCode(response)))
            }
            return statuses
        }
        for (host, status) in statuses.prefix(8) { #expect(status == 200, "\(host)") }
        for (host, status) in statuses.dropFirst(8) { #expect(status == 421, "\(host)") }
    }

    @Test(arguments: [("text/plain", 415), ("application/x-www-form-urlencoded", 415), (nil, 415),
                      ("application/json", 200), ("Application/JSON; charset=utf-8", 200)])
    func postNeedsAJSONContentType(contentType: String?, status: Int) async throws {
        try await Application(router: SightlineServer(backend: Fixture.backend).router()).test(.router) { client in
            var headers: HTTPFields = [:]
            headers[.contentType] = contentType
            let response = try await client.execute(uri: "/search", method: .post, headers: headers, body: ByteBuffer(string: #"{"text": "a car"}"#))
            #expect(response.status.code == status)
            if status == 415 { #expect(response.errorMessage?.contains("application/json") == true) }
        }
    }

    @Test func everyResponseCarriesTheSecurityHeadersAndAnID() async throws {
        try await Application(router: SightlineServer(backend: Fixture.backend).router()).test(.router) { client in
            let responses = [try await client.get("/"), try await client.get("/health"), try await client.get("/nothing-here"),
                             try await client.get("/tracks/nope"), try await client.postJSON("/search", "{")]
            for response in responses {
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                let policy = try #require(response.headers[.contentSecurityPolicy])
                for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"] {
                    #expect(policy.contains(directive), "\(policy)")
                }
                #expect(response.header("X-Frame-Options") == "DENY")
                #expect(response.header("Referrer-Policy") == "no-referrer")
                #expect(response.header("X-Request-Id")?.isEmpty == false)
            }
        }
    }

    @Test func anIdleConnectionIsClosedAfterTheTimeout() async throws {
        let server = SightlineServer(backend: Fixture.backend, configuration: .init(port: 0, idleTimeout: .milliseconds(300)))
        let (silent, afterRequest) = try await withLiveServer(server) { port in
            let silent = try await RawSocket(port: port).readUntilClosed()
            let kept = try RawSocket(port: port)
            let answered = await kept.request("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            return (silent, (statusCode(answered), await kept.readUntilClosed()))
        }
        #expect(silent.closed && silent.text.isEmpty, "a connection that never sends a request is closed")
        #expect(afterRequest.0 == 200)
        #expect(afterRequest.1.closed, "a kept-alive connection is closed once it falls silent")
    }

    @Test func headersTrickledSlowerThanTheTimeoutAreCutOff() async throws {
        let server = SightlineServer(backend: Fixture.backend, configuration: .init(port: 0, idleTimeout: .milliseconds(300)))
        let (sentAll, answer) = try await withLiveServer(server) { port in
            let socket = try RawSocket(port: port)
            var sentAll = socket.send("GET /health HTTP/1.1\r\nHost: localhost\r\n")
            for _ in 0..<30 where sentAll {
                try await Task.sleep(for: .milliseconds(100))
                sentAll = socket.send("X-Slow: 1\r\n")
            }
            return (sentAll, await socket.readUntilClosed())
        }
        #expect(answer.closed)
        #expect(!answer.text.contains("200 OK"), "3 s of headers trickled at 100 ms each never became a request (sent all: \(sentAll))")
    }

    /// The idle timeout is long so that a loaded machine cannot close the held connections first.
    @Test func aBodyTrickledPastTheBodyTimeoutIs408() async throws {
        let server = SightlineServer(backend: Fixture.backend, configuration: .init(port: 0, idleTimeout: .seconds(600), bodyTimeout: .milliseconds(200)))
        let status = try await withLiveServer(server) { port in
            let socket = try RawSocket(port: port)
            let body = #"{"text": "a car turns left"}"#
            socket.send("POST /search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            for character in body {
                socket.send(String(character))
                try await Task.sleep(for: .milliseconds(100))
            }
            return statusCode(await socket.readResponse())
        }
        #expect(status == 408)
    }

    /// The idle timeout is long so that a loaded machine cannot close the held connections first.
    @Test func connectionsPastTheCapWaitForOneToClose() async throws {
        let server = SightlineServer(backend: Fixture.backend, configuration: .init(port: 0, idleTimeout: .seconds(600), maxConnections: 2))
        let (whileFull, afterClose) = try await withLiveServer(server) { port in
            let health = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
            let first = try RawSocket(port: port), second = try RawSocket(port: port)
            #expect(statusCode(await first.request(health)) == 200)
            #expect(statusCode(await second.request(health)) == 200)
            let third = try RawSocket(port: port, receiveTimeout: 1)
            let whileFull = await third.request(health)
            first.close()
            third.setReceiveTimeout(60)
            let afterClose = await third.readResponse()
            second.close()
            third.close()
            return (whileFull, afterClose)
        }
        #expect(whileFull == nil, "a third connection is not served while two are open")
        #expect(statusCode(afterClose) == 200, "it is once one closes")
    }

    @Test func aServerFailureShowsAGenericMessageAndLogsTheDetailUnderItsID() async throws {
        let log = CapturedLog()
        let app = Application(router: SightlineServer(backend: FailingBackend()).router(),
                              logger: Logger(label: "test") { _ in CapturingHandler(log: log) })
        try await app.test(.router) { client in
            for response in [try await client.postJSON("/search", #"{"text": "a car"}"#), try await client.get("/tracks/any")] {
                #expect(response.status == .internalServerError)
                let body = String(buffer: response.body)
                for secret in ["/var/lib/sightline", "SELECT", "FailingBackend", "Failure"] {
                    #expect(!body.contains(secret), "\(body)")
                }
                let decoded = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: String]
                let id = try #require(decoded?["requestId"])
                #expect(response.header("X-Request-Id") == id)
                #expect(decoded?["error"]?.contains("internal server error") == true)
                let logged = log.lines.filter { $0.id == id }
                #expect(logged.count == 1)
                #expect(logged.first?.message.contains("SELECT frames FROM tracks") == true)
            }
        }
    }

    @Test func aMissingFrameIs404ForThatImage() async throws {
        let folder = TemporaryDirectory()
        let app = Application(router: SightlineServer(backend: MemoryBackend(tracks: Fixture.tracks, framesRoot: folder.url.path)).router())
        try await app.test(.router) { client in
            for path in ["/tracks/left/thumbnail", "/tracks/left/motion-map"] {
                let response = try await client.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(response.errorMessage?.contains("a frame it needs is missing") == true)
                #expect(!String(buffer: response.body).contains(folder.url.path))
            }
        }
    }

    @Test func aLongTrackIsSampledAndPaged() async throws {
        let count = 100_000
        let long = Track(id: "long", frames: SampleTracks.frames("c001", count),
                         boxes: (0..<count).map { Box(x: Double($0 % 1_000), y: 500, w: 40, h: 40) })
        let app = Application(router: SightlineServer(backend: MemoryBackend(tracks: [long])).router())
        try await app.test(.router) { client in
            let sampled = try await client.get("/tracks/long")
            #expect(sampled.status == .ok)
            #expect(sampled.body.readableBytes < 100_000, "\(sampled.body.readableBytes) bytes")
            let detail = try #require(try JSONSerialization.jsonObject(with: Data(buffer: sampled.body)) as? [String: Any])
            let frames = try #require(detail["boxFrames"] as? [Int])
            #expect((detail["boxes"] as? [[Double]])?.count == 1_000)
            #expect(frames.count == 1_000 && frames.first == 1 && frames.last == count)
            #expect(detail["boxesSampled"] as? Bool == true)
            #expect(detail["frameCount"] as? Int == count)

            let page = try await client.get("/tracks/long?offset=99990&limit=100")
            let pageDetail = try #require(try JSONSerialization.jsonObject(with: Data(buffer: page.body)) as? [String: Any])
            #expect(pageDetail["boxFrames"] as? [Int] == Array(99_991...100_000))
            #expect(pageDetail["boxesSampled"] as? Bool == false)
            for bad in ["limit=1001", "limit=0", "offset=-1", "offset=x"] {
                #expect(try await client.get("/tracks/long?\(bad)").status == .badRequest, "\(bad)")
            }
        }
    }
}

/// A backend whose every call fails the way a database does, with a path and SQL in the error.
struct FailingBackend: SearchBackend {
    struct Failure: Error, CustomStringConvertible {
        var description: String { "SQLite error 11: database disk image is malformed - while executing `SELECT frames FROM tracks WHERE id = ?` in /var/lib/sightline/index.sqlite" }
    }

    func search(_ request: SearchRequest) async throws -> [SearchHit] { throw Failure() }
    func track(id: String) async throws -> Track? { throw Failure() }
    func framesRoot(of id: String) async throws -> String? { throw Failure() }
}

/// Log lines with their request id, kept for a test to read.
final class CapturedLog: Sendable {
    struct Line: Sendable { var message: String; var id: String? }
    private let storage = Mutex<[Line]>([])
    func append(_ line: Line) { storage.withLock { $0.append(line) } }
    var lines: [Line] { storage.withLock { $0 } }
}

struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        log.append(.init(message: message.description, id: all["hb.request.id"]?.description))
    }
}
