import Foundation
import SightlineSearch

/// Where the server listens and the limits it enforces on every request.
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

    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 64 * 1024, maxQueryCharacters: Int = 2_000,
                maxTop: Int = 1_000, maxFilterValues: Int = 100, imageCacheEntries: Int = 512, cacheDirectory: URL? = nil) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.maxQueryCharacters = maxQueryCharacters
        self.maxTop = maxTop
        self.maxFilterValues = maxFilterValues
        self.imageCacheEntries = imageCacheEntries
        self.cacheDirectory = cacheDirectory
    }

    /// The bounds every search request is checked against.
    public var searchLimits: SearchLimits {
        SearchLimits(maxQueryCharacters: maxQueryCharacters, maxTop: maxTop, maxFilterValues: maxFilterValues)
    }
}
