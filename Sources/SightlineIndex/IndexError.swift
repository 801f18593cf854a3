/// Why the index refused or failed. Each case says what to do about it.
public enum IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The index holds vectors of another feature layout (or pixel model) than this build computes.
    case versionMismatch(index: String, what: String, stored: String, current: String)
    /// A stored record could not be decoded.
    case corrupt(String)
    /// A record could not be encoded for storing: which kind of record, and why.
    case unencodable(record: String, detail: String)
    /// A stored value is missing or not of its column's type: which row of which table, and what is wrong.
    case malformed(table: String, key: String, column: String, detail: String)
    /// The database could not be opened, read or written.
    case database(index: String, detail: String)
    /// A location string that names no index.
    case badLocation(String)
    /// No SQLite index file at this path.
    case missing(String)
    /// Checks found the index damaged (pages, or rows that do not decode or agree): which check, and what it said.
    case damaged(index: String, check: String, problems: [String])
    /// Opened read-only, the index lacks migrations this build needs (or has ones it does not know).
    case needsMigration(index: String, detail: String)

    /// How to build the index again from the track files.
    public static func rebuildAdvice(_ index: String) -> String {
        "Rebuild the index from the track files: delete it (rm the SQLite file with its -wal and -shm files, "
            + "or DROP the PostgreSQL tables with `sightline index drop --db ...`) and run "
            + "`sightline index add --db \(index) --tracks ...` again for every track file."
    }

    public var description: String {
        switch self {
        case let .versionMismatch(index, what, stored, current):
            "\(index): the index holds \(what) '\(stored)' but this sightline computes '\(current)'; "
                + "vectors of different versions cannot be mixed. " + Self.rebuildAdvice(index)
        case let .corrupt(detail): "index record is corrupt: \(detail)"
        case let .unencodable(record, detail): "cannot store a \(record) record: \(detail)"
        case let .malformed(table, key, column, detail): "index record is corrupt: \(table) '\(key)', column \(column) \(detail)"
        case let .database(index, detail): "\(index): \(detail)"
        case let .badLocation(text): "'\(text)' is neither a SQLite file path nor a postgres:// URL"
        case let .missing(path): "\(path): no index there; build one with `sightline index add --db \(path) --tracks ...`"
        case let .damaged(index, check, problems):
            "\(index): the index is damaged; \(check) found \(problems.count == 1 ? "1 problem" : "\(problems.count) problems"): "
                + problems.prefix(5).joined(separator: "; ") + (problems.count > 5 ? "; ..." : "")
                + ". Nothing was written. " + Self.rebuildAdvice(index)
        case let .needsMigration(index, detail):
            "\(index): \(detail); opened read-only, it cannot be upgraded. Run a writing command on it first "
                + "with write access (`sightline index remove --db \(index) no-such-id` migrates it and removes nothing), then read it again."
        }
    }
}

extension IndexError {
    /// A decoder's `corrupt` detail placed in the record it came from; other errors unchanged.
    func located(table: String, key: String, column: String) -> IndexError {
        guard case let .corrupt(detail) = self else { return self }
        return .malformed(table: table, key: key, column: column, detail: detail)
    }
}
