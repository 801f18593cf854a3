import Foundation
import Testing

/// Damage done to an SQLite index file on purpose, and a way to see that nothing touched it.
public enum IndexFileDamage {
    /// Overwrites four pages in the middle of the file (past the header and schema pages) with a pattern.
    public static func overwritePages(_ path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let raw = Int(bytes[16]) << 8 | Int(bytes[17])
        let pageSize = raw == 1 ? 65_536 : raw
        let pages = bytes.count / pageSize
        try #require(pages >= 16, "the index has only \(pages) pages")
        for i in (pages / 2 * pageSize)..<((pages / 2 + 4) * pageSize) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The file's bytes and modification time.
    public static func fingerprint(_ path: String) throws -> (Data, Date?) {
        (try Data(contentsOf: URL(fileURLWithPath: path)), try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)
    }
}
