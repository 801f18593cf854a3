import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// A SQLite file in WAL mode through GRDB. A write transaction spans several database
/// accesses (`allowsUnsafeTransactions`), so this store admits one at a time; other processes
/// queue on SQLite's lock (30 s busy timeout).
///
/// Opened `readOnly`, every connection is read-only (SQLite's read-only open flag). In a folder
/// this process cannot write, where SQLite could not create the WAL index beside a file without
/// one, the file is opened immutable: no writer can be at work on it there.
///
/// Closing a writable store checkpoints the WAL into the file and truncates it to nothing, so
/// that a non-empty `-wal` file left beside the index marks a writer that did not close (killed,
/// or still at work). GRDB closes its read-only readers last, and they cannot delete the WAL.
struct SQLiteStore: IndexStore {
    let location: String
    let pool: DatabasePool
    let readOnly: Bool
    private let writers = AsyncLock()

    var backend: String { "sqlite" }
    var migrationsTable: String { "grdb_migrations" }

    init(path: String, readOnly: Bool = false) throws {
        location = path
        self.readOnly = readOnly
        var config = Configuration()
        config.readonly = readOnly
        config.busyMode = .timeout(30)
        config.allowsUnsafeTransactions = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: readOnly ? Self.readOnlyPath(path) : path, configuration: config)
    }

    /// `path`, or its immutable URI where SQLite could not open it read-only otherwise.
    static func readOnlyPath(_ path: String) -> String {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard access(folder, W_OK) != 0, !FileManager.default.fileExists(atPath: path + "-wal") else { return path }
        var uri = URLComponents()
        uri.scheme = "file"
        uri.path = URL(fileURLWithPath: path).standardizedFileURL.path
        uri.queryItems = [URLQueryItem(name: "immutable", value: "1")]
        return uri.string ?? path
    }

    /// SQLite's `quick_check`, or with `full` its `integrity_check` (which also compares every
    /// index with its table): the problems it lists, none when the file is sound.
    func pageProblems(full: Bool) -> [String] {
        let pragma = full ? "integrity_check" : "quick_check"
        do {
            let lines = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA \(pragma)(100)") }
            return lines == ["ok"] ? [] : lines
        } catch {
            return ["\(pragma) could not run: \(error)"]
        }
    }

    func pageCheck() async throws -> (check: String, problems: [String])? {
        ("SQLite integrity_check", pageProblems(full: true))
    }

    func write<T: Sendable>(_ body: (SQLiteSession) async throws -> T) async throws -> T {
        try await writers.withLock {
            try await pool.writeWithoutTransaction { db in try db.beginTransaction(.immediate) }
            do {
                let value = try await body(SQLiteSession(access: .writer(pool)))
                try await pool.writeWithoutTransaction { db in try db.commit() }
                return value
            } catch {
                rollback()
                throw error
            }
        }
    }

    /// Blocking, so that a cancelled task still leaves no transaction open.
    private func rollback() {
        try? pool.writeWithoutTransaction { db in
            if db.isInsideTransaction { try db.rollback() }
        }
    }

    func snapshot<T: Sendable>(_ body: (SQLiteSession) async throws -> T) async throws -> T {
        try await body(SQLiteSession(access: .reader(try pool.makeSnapshot())))
    }

    func read<T: Sendable>(_ body: (SQLiteSession) async throws -> T) async throws -> T {
        try await body(SQLiteSession(access: .reader(pool)))
    }

    func close() async throws {
        if !readOnly {
            _ = try? pool.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        try pool.close()
    }

    /// Whether a writer left the WAL of the file at `path` non-empty: it was killed, or is at work.
    static func walInUse(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? nil
        return (size ?? 0) > 0
    }
}

/// Statements on the writer connection (inside `SQLiteStore.write`'s transaction) or on a reader.
struct SQLiteSession: IndexSession {
    enum Access: Sendable {
        case writer(DatabasePool)
        case reader(any DatabaseReader)
    }

    let access: Access

    var integerType: String { "INTEGER" }

    func execute(_ sql: IndexSQL) async throws {
        let (text, arguments) = Self.statement(sql)
        try await run { db in try db.execute(sql: text, arguments: arguments) }
    }

    func rows(_ sql: IndexSQL) async throws -> [IndexRow] {
        let (text, arguments) = Self.statement(sql)
        return try await run { db in
            let cursor = try Row.fetchCursor(db, sql: text, arguments: arguments)
            var columns: [String]?
            var out: [IndexRow] = []
            while let row = try cursor.next() {
                let names = columns ?? Array(row.columnNames)
                columns = names
                out.append(IndexRow(columns: names, values: row.databaseValues.map(SQLValue.init)))
            }
            return out
        }
    }

    func upsert(into table: String, key: String, columns: [String], values: [[SQLValue]]) async throws {
        let sql = "INSERT OR REPLACE INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        try await run { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in values { try statement.execute(arguments: StatementArguments(row.map(\.databaseValue))) }
        }
    }

    func lock(_ names: Set<String>) async throws {}

    private static func statement(_ sql: IndexSQL) -> (String, StatementArguments) {
        (sql.rendered { _ in "?" }, StatementArguments(sql.arguments.map(\.databaseValue)))
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        switch access {
        case let .writer(pool): try await pool.writeWithoutTransaction(body)
        case let .reader(reader): try await reader.read(body)
        }
    }
}

extension SQLValue {
    init(_ value: DatabaseValue) {
        self = switch value.storage {
        case .null: .null
        case let .int64(n): .integer(n)
        case let .double(x): .real(x)
        case let .string(text): .text(text)
        case let .blob(data): .blob(data)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case let .integer(n): n.databaseValue
        case let .real(x): x.databaseValue
        case let .text(text): text.databaseValue
        case let .blob(data): data.databaseValue
        }
    }
}
