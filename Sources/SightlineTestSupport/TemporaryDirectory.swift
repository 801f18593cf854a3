import Foundation

/// A fresh folder under the system temporary directory, removed with everything in it when the
/// value is released. Keep it in a suite's stored property (one per test) or a local.
public final class TemporaryDirectory: Sendable {
    /// The folder, created by `init`.
    public let url: URL

    /// Creates `<tmp>/<prefix>-<UUID>`.
    public init(prefix: String = "sightline-test") {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// The location of `name` in the folder; nothing is created.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` as UTF-8 to `name` and returns its location.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL {
        try write(name, bytes: Data(text.utf8))
    }

    /// Writes `bytes` to `name` and returns its location.
    @discardableResult
    public func write(_ name: String, bytes: some Sequence<UInt8>) throws -> URL {
        let file = file(name)
        try Data(bytes).write(to: file)
        return file
    }

    /// Names of the entries in the folder, hidden ones included.
    public var contents: [String] { (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [] }
}
