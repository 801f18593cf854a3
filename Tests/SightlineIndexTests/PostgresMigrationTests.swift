import Foundation
@testable import SightlineIndex
import Testing

/// PostgreSQL's recorded migrations; skipped, with the reason, when no server is configured.
@Suite(.enabled(if: Backend.postgresURL != nil, Backend.postgresSkip), .serialized)
struct PostgresMigrationTests {
    /// What `PostgresIndex` ran on every open before it recorded migrations: the baseline,
    /// which, like every released migration, never changes.
    static var layoutBeforeMigrations: [String] { PostgresIndex.migrator.migrations[0].statements }

    /// A store whose schema holds the tables `PostgresIndex` made before it recorded migrations.
    static func storeBeforeMigrations(_ location: String) async throws -> PostgresStore {
        let store = try PostgresStore(url: location)
        let schema = try #require(store.schema)
        try await store.write { session in
            try await session.execute("CREATE SCHEMA \(raw: schema)")
            for statement in layoutBeforeMigrations { try await session.execute(IndexSQL(stringLiteral: statement)) }
        }
        return store
    }

    static func recorded(_ store: PostgresStore) async throws -> [String] {
        try await store.read { session in
            try await session.rows("SELECT identifier FROM sightline_migrations ORDER BY identifier")
                .map { try $0.record(in: "sightline_migrations", key: "identifier").text("identifier") }
        }
    }

    @Test func migrationsAreRecordedByName() async throws {
        let index = try await PostgresIndex(url: Backend.freshPostgresLocation())
        #expect(try await Self.recorded(index.store) == PostgresIndex.migrator.migrations.map(\.identifier))
        #expect(try await Self.recorded(index.store) == ["v1"])
        try await index.close()
    }

    @Test func migratingAgainIsANoOp() async throws {
        let location = Backend.freshPostgresLocation()
        let index = try await PostgresIndex(url: location)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        let before = try await index.stats()
        #expect(try await PostgresIndex.migrator.migrate(index.store) == .init(adopted: false, applied: []))
        let reopened = try await PostgresIndex(url: location)
        #expect(try await reopened.stats() == before)
        #expect(try await Self.recorded(index.store) == ["v1"])
        try await reopened.close()
        try await index.close()
    }

    /// A migration appended later runs once, after the ones before it, on new and adopted indexes alike.
    @Test func appendedMigrationsRunOnceInOrder() async throws {
        var migrator = PostgresIndex.migrator
        migrator.register("test-v2", ["CREATE TABLE extra (n INTEGER)"])
        let fresh = try PostgresStore(url: Backend.freshPostgresLocation())
        #expect(try await migrator.migrate(fresh) == .init(adopted: false, applied: ["v1", "test-v2"]))
        #expect(try await migrator.migrate(fresh) == .init(adopted: false, applied: []))
        #expect(try await Self.recorded(fresh) == ["test-v2", "v1"])
        try await fresh.close()

        let old = try await Self.storeBeforeMigrations(Backend.freshPostgresLocation())
        #expect(try await migrator.migrate(old) == .init(adopted: true, applied: ["test-v2"]))
        try await old.close()
    }

    /// An index made before migrations were recorded keeps its tracks: the baseline is recorded, not run.
    @Test func adoptsAnIndexFromBeforeMigrations() async throws {
        let location = Backend.freshPostgresLocation()
        let old = try await Self.storeBeforeMigrations(location)
        #expect(try await PostgresIndex.migrator.migrate(old) == .init(adopted: true, applied: []))
        #expect(try await Self.recorded(old) == ["v1"])
        #expect(try await PostgresIndex.migrator.migrate(old) == .init(adopted: false, applied: []))
        try await old.close()

        let index = try await PostgresIndex(url: location)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        #expect(try await index.stats().tracks == Fixtures.small.count)
        #expect(try await index.integrity().isWhole)
        try await index.close()
    }

    /// Tables from before migrations with tracks in them, reopened: the tracks stay.
    @Test func adoptionKeepsStoredTracks() async throws {
        let location = Backend.freshPostgresLocation()
        let index = try await PostgresIndex(url: location)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        let before = try await index.snapshot()
        try await index.store.write { try await $0.execute("DROP TABLE sightline_migrations") }
        try await index.close()

        let reopened = try await PostgresIndex(url: location)
        #expect(try await Self.recorded(reopened.store) == ["v1"])
        let after = try await reopened.snapshot()
        #expect(after.ids == before.ids)
        #expect((0..<after.count).allSatisfy { after.vector(at: $0) == before.vector(at: $0) })
        try await reopened.close()
    }
}
