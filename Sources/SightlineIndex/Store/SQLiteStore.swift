import Foundation
import GRDB

/// A SQLite file in WAL mode through GRDB. A write transaction spans several database
/// accesses (`allowsUnsafeTransactions`), so this store admits one at a time; other processes
/// queue on SQLite's lock (30 s busy timeout).
struct SQLiteStore: IndexStore {
    let location: String
    let pool: DatabasePool
    private let writers = AsyncLock()

    var backend: String { "sqlite" }
    var migrationsTable: String { "grdb_migrations" }

    init(path: String) throws {
        location = path
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.allowsUnsafeTransactions = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        pool = try DatabasePool(path: path, configuration: config)
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
        try pool.close()
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
