import Algorithms
import Foundation

/// What differs between the databases an index lives in: how a transaction is held, how
/// statements run and rows come back, and how rows are upserted. Every index operation is
/// written once over it (`StoreBackedIndex`).
protocol IndexStore: Sendable {
    associatedtype Session: IndexSession

    /// The path or URL (without password) the store was opened at.
    var location: String { get }
    /// The name `IndexStats.backend` reports.
    var backend: String { get }
    /// The table that records applied migrations, dropped with the index.
    var migrationsTable: String { get }

    /// Runs `body` in a write transaction, committed when it returns and rolled back when it throws.
    func write<T: Sendable>(_ body: (Session) async throws -> T) async throws -> T
    /// Runs `body` in a read-only transaction: every statement sees the same committed state.
    func snapshot<T: Sendable>(_ body: (Session) async throws -> T) async throws -> T
    /// Runs `body` with statements that each see the latest committed state.
    func read<T: Sendable>(_ body: (Session) async throws -> T) async throws -> T
    /// The database's own check of its pages, named, with the problems it found; nil where the
    /// database offers none to clients.
    func pageCheck() async throws -> (check: String, problems: [String])?
    func close() async throws
}

/// The statements of one transaction or connection.
protocol IndexSession: Sendable {
    /// The SQL type that `CAST` converts to for 64-bit integers.
    var integerType: String { get }

    func execute(_ sql: IndexSQL) async throws
    func rows(_ sql: IndexSQL) async throws -> [IndexRow]
    /// Inserts each row of `values` (in `columns` order) into `table`, replacing the row of the same `key`.
    func upsert(into table: String, key: String, columns: [String], values: [[SQLValue]]) async throws
    /// Takes transaction-scoped locks on the names, in sorted order, where concurrent writers
    /// would otherwise interleave; a no-op where a write transaction already excludes them.
    func lock(_ names: Set<String>) async throws
}

/// Queries every dialect runs alike.
extension IndexSession {
    /// Rows of `query(chunk)` for every chunk of `ids` small enough for an `IN` list.
    func rows(in ids: [String], _ query: (ArraySlice<String>) -> IndexSQL) async throws -> [IndexRow] {
        var out: [IndexRow] = []
        for chunk in ids.chunks(ofCount: 500) { out += try await rows(query(chunk)) }
        return out
    }

    /// The integer in column `n` of the first row of `sql`, which reads `table`.
    func count(_ sql: IndexSQL, of table: String) async throws -> Int {
        guard let row = try await rows(sql).first else { return 0 }
        return Int(try StoredRecord(table: table, key: "count", row: row).integer("n"))
    }
}
