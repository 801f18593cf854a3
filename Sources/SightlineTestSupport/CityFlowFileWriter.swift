import Foundation
import SightlineData

/// Writes tracks and queries in the CityFlow-NL JSON forms that `TrackFile` and `QueryFile`
/// read, in the order given (through SightlineData's ordered `JSON`; `JSONEncoder` may reorder
/// keys). Tracks are written as they are, so a test can write one whose frames and boxes disagree.
public enum CityFlowFileWriter {
    /// Why a file could not be written.
    public enum WriteError: Error, Equatable {
        /// Two entries share `id`, which the readers refuse.
        case duplicateID(String)
    }

    /// The track file: `{"id": {"frames": [...], "boxes": [[x, y, w, h], ...], "nl": [...], "nl_other_views": [...]}}`.
    public static func trackFile(_ tracks: [Track]) throws -> JSON {
        try object(tracks.map { ($0.id, .null) })
        return TrackFile.json(tracks)
    }

    /// The 2022 query file: `{"id": {"nl": [...], "nl_other_views": [...]}}`.
    public static func queryFile(_ queries: [QueryRecord]) throws -> JSON {
        try object(queries.map { q in (q.id, .object([("nl", strings(q.nl)), ("nl_other_views", strings(q.otherViews))])) })
    }

    /// Writes `trackFile(tracks)` to `url`.
    public static func write(_ tracks: [Track], to url: URL) throws {
        try Data(trackFile(tracks).serialized().utf8).write(to: url)
    }

    /// Writes `queryFile(queries)` to `url`.
    public static func write(_ queries: [QueryRecord], to url: URL) throws {
        try Data(queryFile(queries).serialized().utf8).write(to: url)
    }

    private static func strings(_ values: [String]) -> JSON { .array(values.map(JSON.string)) }

    @discardableResult
    private static func object(_ members: [(String, JSON)]) throws -> JSON {
        var seen = Set<String>()
        for (id, _) in members where !seen.insert(id).inserted { throw WriteError.duplicateID(id) }
        return .object(members.map { (key: $0.0, value: $0.1) })
    }
}
