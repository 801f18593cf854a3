import Foundation
import PostgresNIO
import SightlineData
import SightlineRanking

/// The index in PostgreSQL, for several ingest workers and stateless search nodes sharing one
/// index. Writers lock the cameras they touch (advisory transaction locks, in key order) so two
/// workers never compute a camera's features from different sets of tracks; every commit bumps
/// the `generation` row that searchers poll to reload.
///
/// `postgres://user[:password]@host[:port]/database[?schema=name]`: with `schema`, the tables live
/// in that schema (created when missing), so several indexes can share a database.
public final class PostgresIndex: StoreBackedIndex {
    let store: PostgresStore
    let layout: FeatureLayout

    /// Connects to the database at `url` and applies the migrations it lacks; with `.read`, only
    /// checks that none is missing, so that a read-only role can search.
    public init(url: String, layout: FeatureLayout = .standard, access: IndexAccess = .write) async throws {
        let store = try PostgresStore(url: url)
        do {
            if access == .read {
                let missing = try await Self.migrator.missingMigrations(store)
                guard missing.isEmpty else {
                    throw IndexError.needsMigration(index: store.location, detail: "the index lacks migrations \(missing.joined(separator: ", "))")
                }
            } else {
                try await Self.migrator.migrate(store)
            }
        } catch let error as IndexError {
            store.runner.cancel()
            throw error
        } catch {
            store.runner.cancel()
            throw IndexError.database(index: store.location, detail: "cannot open the PostgreSQL index: \(String(reflecting: error))")
        }
        self.store = store
        self.layout = layout
    }

    /// Named, append-only migrations. `v1` is the layout indexes had before migrations were
    /// recorded, so such an index is adopted by recording `v1` as applied.
    static let migrator: PostgresMigrator = {
        var m = PostgresMigrator(baseline: "v1", baselineTable: "meta")
        m.register("v1", [
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """
            CREATE TABLE IF NOT EXISTS track (
                id TEXT PRIMARY KEY, ord BIGINT NOT NULL, camera TEXT NOT NULL, frames_root TEXT,
                frame_count INTEGER NOT NULL, frames BYTEA NOT NULL, boxes BYTEA NOT NULL,
                nl TEXT NOT NULL, other_views TEXT NOT NULL, appearance TEXT)
            """,
            "CREATE INDEX IF NOT EXISTS track_camera ON track(camera)",
            "CREATE INDEX IF NOT EXISTS track_ord ON track(ord)",
            """
            CREATE TABLE IF NOT EXISTS feature (
                id TEXT PRIMARY KEY, vector BYTEA NOT NULL, trajectory TEXT NOT NULL, neighbours TEXT NOT NULL,
                size_ratio DOUBLE PRECISION NOT NULL, colour TEXT, type TEXT)
            """,
            "CREATE TABLE IF NOT EXISTS camera (key TEXT PRIMARY KEY, tracks INTEGER NOT NULL, context TEXT NOT NULL)",
            "INSERT INTO meta (key, value) VALUES ('schema', '1'), ('generation', '0'), ('add_calls', '0') ON CONFLICT DO NOTHING",
        ])
        return m
    }()
}
