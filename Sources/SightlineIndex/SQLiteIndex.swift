import Foundation
import GRDB
import SightlineData
import SightlineRanking

/// The default index: one SQLite file in WAL mode, through GRDB. Several processes may read
/// while one writes; writers queue on SQLite's lock (30 s busy timeout).
public final class SQLiteIndex: StoreBackedIndex {
    let store: SQLiteStore
    let layout: FeatureLayout

    /// Opens the file at `path`, creating it when missing, and applies the migrations it lacks.
    public init(path: String, layout: FeatureLayout = .standard) throws {
        self.layout = layout
        do {
            store = try SQLiteStore(path: path)
            try Self.migrator.migrate(store.pool)
        } catch {
            throw IndexError.database(index: path, detail: "cannot open the SQLite index: \(error)")
        }
    }

    /// Named, append-only migrations, each in a transaction.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE track (
                    id TEXT NOT NULL UNIQUE, ord INTEGER NOT NULL, camera TEXT NOT NULL, frames_root TEXT,
                    frame_count INTEGER NOT NULL, frames BLOB NOT NULL, boxes BLOB NOT NULL,
                    nl TEXT NOT NULL, other_views TEXT NOT NULL, appearance TEXT);
                CREATE INDEX track_camera ON track(camera);
                CREATE INDEX track_ord ON track(ord);
                CREATE TABLE feature (
                    id TEXT PRIMARY KEY, vector BLOB NOT NULL, trajectory TEXT NOT NULL, neighbours TEXT NOT NULL,
                    size_ratio REAL NOT NULL, colour TEXT, type TEXT);
                CREATE TABLE camera (key TEXT PRIMARY KEY, tracks INTEGER NOT NULL, context TEXT NOT NULL);
                INSERT INTO meta (key, value) VALUES ('schema', '1'), ('generation', '0'), ('add_calls', '0');
                """)
        }
        return m
    }
}
