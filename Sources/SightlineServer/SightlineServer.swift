import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import SightlineData
import SightlinePixels
import SightlineSearch

/// Sightline's HTTP API and web page over any `SearchBackend`:
///
/// - `POST /search` `{"text", "top", "cameras", "colours", "types"}` → ranked hits with each term's contribution
/// - `GET /tracks/{id}[?offset=&limit=]` → camera, frames, boxes (sampled, or one page), descriptions and trajectory analysis
/// - `GET /tracks/{id}/thumbnail`, `GET /tracks/{id}/motion-map`, `GET /tracks/{id}/colour-region` → PNG (404 without frames);
///   the colour region is the crop the colour is named from, all but the painted surface greyed
/// - `GET /vocabulary` → the filter values; `GET /health`; `GET /` and the page's files
///
/// Errors are `{"error": "..."}` with a 4xx/5xx status; a 5xx carries only a generic message and
/// `requestId`, the detail goes to the log. Every request is checked for its `Host`, the token when
/// one is set and, on POST, a JSON content type (`RequestGuardMiddleware`).
public struct SightlineServer: Sendable {
    public let backend: any SearchBackend
    public let configuration: ServerConfiguration
    private let renderer: TrackImageRenderer
    private let staticFiles: StaticFiles
    private let boundPort: BoundPort

    /// `frames` reads the frames under a track's frames root (image files by default; the CLI passes
    /// one that also reads camera videos).
    public init(backend: any SearchBackend, configuration: ServerConfiguration = ServerConfiguration(),
                frames: @escaping @Sendable (_ framesRoot: String) -> any FrameSource = { FrameFolder(root: URL(fileURLWithPath: $0)) }) {
        self.backend = backend
        self.configuration = configuration
        renderer = TrackImageRenderer(backend: backend, frames: frames, cacheDirectory: configuration.cacheDirectory,
                                      capacity: configuration.imageCacheEntries)
        staticFiles = .bundled
        boundPort = BoundPort()
    }

    /// The routes, for `Application(router:)` or for testing them without a socket.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: JSONErrorMiddleware())
        router.add(middleware: RequestGuardMiddleware(hosts: HostCheck(configuration: configuration, boundPort: boundPort),
                                                      token: configuration.token.map(TokenCheck.init),
                                                      openPaths: Set(staticFiles.files.keys).union(["/health"])))
        router.get("/health") { _, _ in
            JSONResponse.make(["status": "ok"])
        }
        router.get("/vocabulary") { _, _ in
            JSONResponse.make(VocabularyResponse(colours: VehicleColor.allCases.map(\.rawValue), types: BodyType.allCases.map(\.rawValue),
                                                 cameras: try await backend.cameras()))
        }
        router.post("/search") { request, _ in
            try await search(request)
        }
        router.get("/tracks/:id") { request, context in
            let id = try trackID(context)
            let query = request.uri.queryParameters
            let selection = try BoxSelection(offset: query["offset"].map(String.init), limit: query["limit"].map(String.init),
                                             maxLimit: configuration.maxTrackBoxes)
            guard let track = try await backend.track(id: id) else { throw APIError.unknownTrack(id) }
            let hasFrames = try await backend.framesRoot(of: id) != nil
            return JSONResponse.make(TrackDetail(track: track, hasFrames: hasFrames, selection: selection))
        }
        router.get("/tracks/:id/thumbnail") { _, context in
            try await image(.thumbnail, of: trackID(context))
        }
        router.get("/tracks/:id/motion-map") { _, context in
            try await image(.motionMap, of: trackID(context))
        }
        router.get("/tracks/:id/colour-region") { _, context in
            try await image(.colourRegion, of: trackID(context))
        }
        for path in staticFiles.files.keys {
            router.get(RouterPath(path)) { request, _ in
                guard let response = staticFiles.response(for: path) else { throw APIError.notFound(path: request.uri.path) }
                return response
            }
        }
        return router
    }

    /// An application listening on `configuration.host:port` with its connection limits (idle timeout,
    /// at most `maxConnections` at once), logging notices and failures to standard error; run it with `runService()`.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var logger = Logger(label: "sightline") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .notice
        let boundPort = self.boundPort, configuration = self.configuration
        let idle = configuration.idleTimeout.components
        let idleTimeout = TimeAmount.nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000)
        return Application(
            router: router(), server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Sightline",
                                 backlog: configuration.backlog,
                                 availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: logger)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                boundPort.set(port)
                await onServerRunning(port)
            },
            logger: logger)
    }

    /// Serves until SIGINT or SIGTERM; `onServerRunning` gets the bound port once it listens.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(onServerRunning: onServerRunning).runService()
    }

    private func search(_ request: Request) async throws -> Response {
        let data = try await Self.body(of: request, limit: configuration.maxBodyBytes, timeout: configuration.bodyTimeout)
        let searchRequest = try SearchBody.decode(data).validated(against: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let hits: [SearchHit]
        do {
            hits = try await backend.search(searchRequest)
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError.backendFailed(detail: "\(error)")
        }
        let elapsed = clock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        return JSONResponse.make(SearchResponse(request: searchRequest, hits: hits, milliseconds: milliseconds))
    }

    private func image(_ kind: TrackImageKind, of id: String) async throws -> Response {
        let bytes = try await renderer.png(kind, of: id)
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "max-age=3600"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func trackID(_ context: BasicRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else { throw APIError.missingField("id") }
        return id.removingPercentEncoding ?? id
    }

    /// The request body, refused as soon as it passes `limit` bytes (or announces more) or takes
    /// longer than `timeout` (a silent client is cut off sooner, by the connection's idle timeout).
    private static func body(of request: Request, limit: Int, timeout: Duration) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        let deadline = ContinuousClock.now + timeout
        var data = Data()
        for try await buffer in request.body {
            guard data.count + buffer.readableBytes <= limit else { throw APIError.bodyTooLarge(limit: limit) }
            guard ContinuousClock.now <= deadline else { throw APIError.bodyTimedOut(seconds: Int(timeout.components.seconds)) }
            data.append(contentsOf: buffer.readableBytesView)
        }
        return data
    }
}
