import Foundation
import Hummingbird
import Synchronization

/// Which `Host` headers the server answers: the loopback names and the bound host at the bound
/// port (or without a port), and each configured `name` (any port) or `name:port`. A browser tricked
/// by DNS rebinding sends the attacker's name, so it is refused before any handler runs.
struct HostCheck: Sendable {
    /// One accepted name, with the only port accepted for it (nil: any port, or the bound one for built-in names).
    struct Entry: Sendable, Equatable {
        var name: String
        var port: Int?

        /// Parses `name`, `name:port`, `[v6]` or `[v6]:port`; nil when it is none of these.
        init?(_ text: String) {
            let text = text.lowercased()
            var name = text, port: Int?
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else { return nil }
                name = String(text[...close])
                let rest = text[text.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()), (1...65_535).contains(p) else { return nil }
                    port = p
                }
            } else if let colon = text.lastIndex(of: ":") {
                guard let p = Int(text[text.index(after: colon)...]), (1...65_535).contains(p) else { return nil }
                name = String(text[..<colon])
                port = p
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-._[]:".contains($0) }) else { return nil }
            self.name = name
            self.port = port
        }
    }

    private let builtIn: Set<String>
    private let configured: [Entry]
    private let boundPort: BoundPort

    init(configuration: ServerConfiguration, boundPort: BoundPort) {
        var names: Set<String> = ["127.0.0.1", "localhost", "[::1]"]
        let host = configuration.host.lowercased()
        if !["0.0.0.0", "::", "[::]"].contains(host) { names.insert(host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) }
        builtIn = names
        configured = configuration.allowedHosts.compactMap(Entry.init)
        self.boundPort = boundPort
    }

    /// Whether a request with this `Host` (HTTP/1.1) or `:authority` (HTTP/2) is for this server.
    func accepts(_ authority: String?) -> Bool {
        guard let authority, let given = Entry(authority) else { return false }
        if builtIn.contains(given.name) {
            guard let port = given.port, let bound = boundPort.value else { return true }
            return port == bound
        }
        return configured.contains { $0.name == given.name && ($0.port == nil || $0.port == given.port) }
    }
}

/// The port the server listens on, known once `application()` has bound it (it may have asked for
/// port 0); unknown for a router served some other way, which then accepts any port.
final class BoundPort: Sendable {
    private let port = Atomic<Int>(0)

    var value: Int? {
        let port = port.load(ordering: .relaxed)
        return port > 0 ? port : nil
    }

    func set(_ port: Int) { self.port.store(port, ordering: .relaxed) }
}

/// The bearer token, compared in time that depends only on the length of what the client sent.
struct TokenCheck: Sendable {
    private let token: [UInt8]

    init(token: String) { self.token = Array(token.utf8) }

    /// Whether an `Authorization` header carries the token as `Bearer TOKEN`.
    func accepts(_ authorization: String?) -> Bool {
        guard let authorization, authorization.count > 7, authorization.prefix(7).lowercased() == "bearer " else { return false }
        let given = Array(authorization.utf8.dropFirst(7))
        var difference: UInt8 = given.count == token.count ? 0 : 1
        for (i, byte) in given.enumerated() {
            difference |= byte ^ (i < token.count ? token[i] : 0)
        }
        return difference == 0
    }
}

/// Refuses, before any handler runs, a request for another host (421), without the token where one
/// is set (401; the page's own files and `/health` are open), or a POST whose body is not declared
/// JSON (415: a cross-site form or `text/plain` request cannot send `application/json` without CORS).
struct RequestGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let hosts: HostCheck
    let token: TokenCheck?
    let openPaths: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard hosts.accepts(request.head.authority) else { throw APIError.wrongHost(request.head.authority) }
        if let token, !(request.method == .get && openPaths.contains(request.uri.path)) {
            guard token.accepts(request.headers[.authorization]) else { throw APIError.unauthorized }
        }
        if request.method == .post {
            let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard mediaType == "application/json" else { throw APIError.unsupportedMediaType(request.headers[.contentType]) }
        }
        return try await next(request, context)
    }
}

/// Headers on every response: the request id, and the browser protections for a page that loads
/// only its own script, style and images (thumbnails may arrive as `blob:` when fetched with a token).
enum ResponseHeaders {
    static let requestID = HTTPFields.Element.Name("X-Request-Id")!
    static let security: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        .xContentTypeOptions: "nosniff",
        HTTPFields.Element.Name("Referrer-Policy")!: "no-referrer",
        HTTPFields.Element.Name("X-Frame-Options")!: "DENY",
        HTTPFields.Element.Name("Cross-Origin-Resource-Policy")!: "same-origin",
    ]
}
