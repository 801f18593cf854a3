import Foundation
import SightlineSearch

/// Where the server listens and the limits it enforces on every connection and request.
public struct ServerConfiguration: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Largest accepted request body; larger bodies get 413.
    public var maxBodyBytes: Int
    /// Longest accepted query text in characters; longer gets 422.
    public var maxQueryCharacters: Int
    /// Largest `top` a search may ask for; `top` must lie in `1...maxTop`.
    public var maxTop: Int
    /// Most entries in each filter list (cameras, colours, types).
    public var maxFilterValues: Int
    /// Rendered thumbnails and motion maps kept in memory.
    public var imageCacheEntries: Int
    /// Folder for per-camera background images; nil keeps them in memory only.
    public var cacheDirectory: URL?
    /// The bearer token every API request must carry; nil allows none on loopback only.
    public var token: String?
    /// `Host` names accepted besides the loopback names and the bound host: `name` (any port) or `name:port`.
    public var allowedHosts: [String]
    /// A connection that sends nothing (no request, or no part of its headers or body) for this long is closed.
    public var idleTimeout: Duration
    /// Longest time to receive one whole request body; slower bodies get 408.
    public var bodyTimeout: Duration
    /// Connections served at once; further ones wait in the listen backlog until one closes.
    public var maxConnections: Int
    /// Connections the kernel queues beyond `maxConnections` before refusing them.
    public var backlog: Int
    /// Boxes `GET /tracks/{id}` returns without `offset`/`limit`, sampled evenly along the track.
    public var maxTrackBoxes: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 64 * 1024, maxQueryCharacters: Int = 2_000,
                maxTop: Int = 1_000, maxFilterValues: Int = 100, imageCacheEntries: Int = 512, cacheDirectory: URL? = nil,
                token: String? = nil, allowedHosts: [String] = [], idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(30),
                maxConnections: Int = 1_024, backlog: Int = 256, maxTrackBoxes: Int = 1_000) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxQueryCharacters = maxQueryCharacters
        self.maxTop = maxTop
        self.maxFilterValues = maxFilterValues
        self.imageCacheEntries = imageCacheEntries
        self.cacheDirectory = cacheDirectory
        self.token = token
        self.allowedHosts = allowedHosts
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = maxConnections
        self.backlog = backlog
        self.maxTrackBoxes = maxTrackBoxes
    }

    /// The bounds every search request is checked against.
    public var searchLimits: SearchLimits {
        SearchLimits(maxQueryCharacters: maxQueryCharacters, maxTop: maxTop, maxFilterValues: maxFilterValues)
    }

    /// Whether `host` only reaches this machine: `localhost`, `127.0.0.0/8` or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" || name == "0:0:0:0:0:0:0:1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// This configuration, or why it may not serve: a host beyond loopback needs a token, a token needs
    /// 16 characters, and every limit must be positive.
    public func validated() throws(ServerConfigurationError) -> ServerConfiguration {
        if let token {
            guard token.count >= Self.minimumTokenCharacters else { throw .weakToken(characters: token.count) }
        } else if !Self.isLoopback(host) {
            throw .tokenRequired(host: host)
        }
        for entry in allowedHosts where HostCheck.Entry(entry) == nil { throw .invalidAllowedHost(entry) }
        guard maxConnections > 0, backlog > 0, maxTrackBoxes > 0, idleTimeout > .zero, bodyTimeout > .zero else { throw .nonPositiveLimit }
        return self
    }

    /// Shortest token accepted.
    public static let minimumTokenCharacters = 16
}

/// Why a `ServerConfiguration` may not serve.
public enum ServerConfigurationError: Error, Equatable, CustomStringConvertible {
    case tokenRequired(host: String)
    case weakToken(characters: Int)
    case invalidAllowedHost(String)
    case nonPositiveLimit

    public var description: String {
        switch self {
        case .tokenRequired(let host):
            "--host \(host) reaches beyond this machine: give an access token with --token-file PATH or SIGHTLINE_TOKEN "
                + "(clients send 'Authorization: Bearer TOKEN'), or listen on 127.0.0.1 behind a TLS proxy (README: Serving beyond this machine)"
        case .weakToken(let characters):
            "the access token has \(characters) characters; use at least \(ServerConfiguration.minimumTokenCharacters) (e.g. openssl rand -hex 32)"
        case .invalidAllowedHost(let entry): "--allowed-host '\(entry)' is not a host name or host:port"
        case .nonPositiveLimit: "connection limits and timeouts must be positive"
        }
    }
}
