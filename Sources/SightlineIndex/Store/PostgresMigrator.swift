import Foundation

/// Named, append-only migrations of a PostgreSQL index, recorded by name in
/// `sightline_migrations` as GRDB's `DatabaseMigrator` records SQLite's in `grdb_migrations`.
/// Migrations run in order, once each, in one transaction under an advisory lock, so
/// processes opening the same index at once apply each migration once.
struct PostgresMigrator: Sendable {
    static let table = "sightline_migrations"

    struct Migration: Sendable {
        var identifier: String
        var statements: [String]
    }

    private(set) var migrations: [Migration] = []
    /// The migration whose tables an index from before recorded migrations already holds.
    let baseline: String
    /// A table the baseline creates: its presence without the migrations table marks such an index.
    let baselineTable: String

    init(baseline: String, baselineTable: String) {
        self.baseline = baseline
        self.baselineTable = baselineTable
    }

    /// Appends a migration; identifiers are never reused or reordered once released.
    mutating func register(_ identifier: String, _ statements: [String]) {
        precondition(!migrations.contains { $0.identifier == identifier }, "migration \(identifier) is registered twice")
        migrations.append(Migration(identifier: identifier, statements: statements))
    }

    /// What `migrate` did.
    struct Outcome: Sendable, Equatable {
        /// The baseline was recorded as applied to tables that were already there.
        var adopted: Bool
        /// The migrations that ran, in order.
        var applied: [String]
    }

    /// Creates `schema` when given, adopts an index from before recorded migrations, and runs
    /// the migrations not yet recorded.
    @discardableResult
    func migrate(_ store: PostgresStore) async throws -> Outcome {
        try await store.write { session in
            try await session.lock(["sightline-index-migrate"])
            if let schema = store.schema { try await session.execute("CREATE SCHEMA IF NOT EXISTS \(raw: "\"\(schema)\"")") }
            var outcome = Outcome(adopted: false, applied: [])
            if try await !exists(Self.table, session) {
                let adopting = try await exists(baselineTable, session)
                try await session.execute("CREATE TABLE \(raw: Self.table) (identifier TEXT NOT NULL PRIMARY KEY)")
                if adopting {
                    try await record(baseline, session)
                    outcome.adopted = true
                }
            }
            let applied = try await appliedIdentifiers(session)
            for migration in migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements { try await session.execute(IndexSQL(stringLiteral: statement)) }
                try await record(migration.identifier, session)
                outcome.applied.append(migration.identifier)
            }
            return outcome
        }
    }

    /// The migrations of this build not recorded as applied (all of them where none is recorded), without writing.
    func missingMigrations(_ store: PostgresStore) async throws -> [String] {
        try await store.snapshot { session in
            var applied: Set<String> = []
            if try await exists(Self.table, session) { applied = try await appliedIdentifiers(session) }
            return migrations.map(\.identifier).filter { !applied.contains($0) }
        }
    }

    /// Identifiers recorded as applied, known to this build or not.
    func appliedIdentifiers(_ session: PostgresSession) async throws -> Set<String> {
        let rows = try await session.rows("SELECT identifier FROM \(raw: Self.table)")
        return Set(try rows.map { try $0.record(in: Self.table, key: "identifier").text("identifier") })
    }

    private func record(_ identifier: String, _ session: PostgresSession) async throws {
        try await session.execute("INSERT INTO \(raw: Self.table) (identifier) VALUES (\(identifier))")
    }

    /// Whether `table` resolves on the search path (the URL's schema, when it names one).
    private func exists(_ table: String, _ session: PostgresSession) async throws -> Bool {
        let rows = try await session.rows("SELECT to_regclass(\(table)) IS NOT NULL AS present")
        return rows.first?.value("present") == .integer(1)
    }
}
