import Foundation
import GRDB
import SightlineData
import SightlineRanking

/// The default index: one SQLite file in WAL mode, through GRDB. Several processes may read
/// while one writes; writers queue on SQLite's lock (30 s busy timeout).
public final class SQLiteIndex: StoreBackedIndex {
    let store: SQLiteStore
    let layout: FeatureLayout

    /// Opens the file at `path` as `access` says: read-only without migrating, or (creating it
    /// when missing) for writing, after SQLite's check of its pages, applying the migrations it lacks.
    ///
    /// Before writing, `quick_check` reads every page; where the file last closed uncleanly (a
    /// non-empty `-wal` file is left: a writer that closes truncates it, see `SQLiteStore`; one
    /// also marks another writer at work, which costs only the longer check) the fuller
    /// `integrity_check` runs instead. A damaged file is refused, so that no write lands in it,
    /// with the advice to rebuild it.
    ///
    /// The check reads through a read-only connection opened first: a writable GRDB pool writes
    /// as it opens (it makes the WAL non-empty), which must not happen to a damaged file.
    public init(path: String, layout: FeatureLayout = .standard, access: IndexAccess = .write) throws {
        self.layout = layout
        if access != .read, FileManager.default.fileExists(atPath: path) {
            let uncleanClose = SQLiteStore.walInUse(path)
            var problems: [String]
            do {
                let checker = try SQLiteStore(path: path, readOnly: true)
                problems = checker.pageProblems(full: uncleanClose)
                try checker.pool.close()
            } catch {
                problems = ["the file cannot be opened: \(error)"]
            }
            guard problems.isEmpty else {
                throw IndexError.damaged(index: path, check: "SQLite \(uncleanClose ? "integrity_check" : "quick_check")", problems: problems)
            }
        }
        do {
            store = try SQLiteStore(path: path, readOnly: access == .read)
        } catch {
            throw IndexError.database(index: path, detail: "cannot open the SQLite index: \(error)")
        }
        switch access {
        case .read:
            let state: (complete: Bool, superseded: Bool)
            do {
                state = try store.pool.read { db in (try Self.migrator.hasCompletedMigrations(db), try Self.migrator.hasBeenSuperseded(db)) }
            } catch {
                throw IndexError.database(index: path, detail: "cannot read the SQLite index: \(error)")
            }
            if state.superseded { throw IndexError.needsMigration(index: path, detail: "the index was written by a newer sightline") }
            if !state.complete { throw IndexError.needsMigration(index: path, detail: "the index lacks migrations this sightline needs") }
        case .write, .create:
            do {
                try Self.migrator.migrate(store.pool)
            } catch {
                throw IndexError.database(index: path, detail: "cannot open the SQLite index: \(error)")
            }
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
