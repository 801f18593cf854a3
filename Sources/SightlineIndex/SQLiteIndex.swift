import Foundation
import GRDB
import SightlineData

/// The default index: one SQLite file in WAL mode, through GRDB. Several processes may read
/// while one writes; writers queue on SQLite's lock (30 s busy timeout).
public final class SQLiteIndex: VehicleIndex, @unchecked Sendable {
    public let location: String
    let layout: FeatureLayout
    let pool: DatabasePool

    public init(path: String, layout: FeatureLayout = .standard) throws {
        self.location = path
        self.layout = layout
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
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

    public func close() async throws {
        try pool.close()
    }

    // MARK: writing

    public func add(_ tracks: [Track], options: AddOptions) async throws -> AddReport {
        let layout = self.layout
        let location = self.location
        let stamp = try await pool.write { db in
            try Self.checkFeatures(db, layout: layout, location: location, claim: true)
            if let model = options.appearanceModel {
                if let stored = try Self.meta(db, MetaKey.appearanceModel), stored != model {
                    throw IndexError.versionMismatch(index: location, what: "colours and types from pixel model", stored: stored, current: model)
                }
                try Self.setMeta(db, MetaKey.appearanceModel, model)
            }
            let stamp = Int64(try Self.meta(db, MetaKey.addCalls) ?? "0")! + 1
            try Self.setMeta(db, MetaKey.addCalls, String(stamp))
            return stamp
        }
        let incoming = IncomingTracks(tracks, options: options, stamp: stamp)
        var report = AddReport(added: 0, updated: 0, recomputed: 0, cameras: 0)
        var done = 0
        for batch in CameraUpdate.batches(incoming.tracks, size: options.batchSize) {
            let part = try await pool.write { db in
                try Self.addBatch(db, batch, layout: layout)
            }
            report.added += part.added
            report.updated += part.updated
            report.recomputed += part.recomputed
            report.cameras += part.cameras
            done += batch.count
            options.progress?(done, incoming.tracks.count)
        }
        return report
    }

    static func addBatch(_ db: Database, _ batch: [StoredTrack], layout: FeatureLayout) throws -> AddReport {
        var existing: [String: (ord: Int64, camera: String)] = [:]
        for chunk in batch.map(\.track.id).chunked(500) {
            let rows = try Row.fetchCursor(db, sql: "SELECT id, ord, camera FROM track WHERE id IN \(placeholders(chunk.count))",
                                           arguments: StatementArguments(chunk))
            while let row = try rows.next() { existing[row["id"]] = (row["ord"], row["camera"]) }
        }
        var incoming = batch
        var touched = Set(batch.map(\.track.cameraKey))
        for i in incoming.indices {
            if let old = existing[incoming[i].track.id] {
                incoming[i].ord = old.ord
                touched.insert(old.camera)
            }
        }
        var members: [StoredTrack] = []
        for camera in touched { members += try cameraMembers(db, camera) }
        let update = CameraUpdate.plan(layout: layout, members: members, incoming: incoming, removing: [], touched: touched)
        try write(db, update, deleting: [])
        return AddReport(added: batch.count - existing.count, updated: existing.count, recomputed: update.features.count, cameras: update.cameras.count)
    }

    public func remove(_ ids: [String]) async throws -> Int {
        let layout = self.layout
        let location = self.location
        return try await pool.write { db in
            try Self.checkFeatures(db, layout: layout, location: location, claim: false)
            var touched = Set<String>()
            var found: [String] = []
            for chunk in Array(Set(ids)).chunked(500) {
                let rows = try Row.fetchCursor(db, sql: "SELECT id, camera FROM track WHERE id IN \(placeholders(chunk.count))",
                                               arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    found.append(row["id"])
                    touched.insert(row["camera"])
                }
            }
            guard !found.isEmpty else { return 0 }
            var members: [StoredTrack] = []
            for camera in touched { members += try Self.cameraMembers(db, camera) }
            let update = CameraUpdate.plan(layout: layout, members: members, incoming: [], removing: Set(found), touched: touched)
            try Self.write(db, update, deleting: found)
            return found.count
        }
    }

    static func write(_ db: Database, _ update: CameraUpdate, deleting: [String]) throws {
        for chunk in deleting.chunked(500) {
            try db.execute(sql: "DELETE FROM track WHERE id IN \(placeholders(chunk.count))", arguments: StatementArguments(chunk))
            try db.execute(sql: "DELETE FROM feature WHERE id IN \(placeholders(chunk.count))", arguments: StatementArguments(chunk))
        }
        let insertTrack = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO track (id, ord, camera, frames_root, frame_count, frames, boxes, nl, other_views, appearance)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for t in update.tracks {
            try insertTrack.execute(arguments: [t.id, t.ord, t.camera, t.framesRoot, t.frameCount, t.frames, t.boxes, t.nl, t.otherViews, t.appearance])
        }
        let insertFeature = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO feature (id, vector, trajectory, neighbours, size_ratio, colour, type) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for f in update.features {
            try insertFeature.execute(arguments: [f.id, f.vector, f.trajectory, f.neighbours, f.sizeRatio, f.colour, f.type])
        }
        let insertCamera = try db.cachedStatement(sql: "INSERT OR REPLACE INTO camera (key, tracks, context) VALUES (?, ?, ?)")
        for c in update.cameras { try insertCamera.execute(arguments: [c.key, c.tracks, c.context]) }
        for key in update.emptiedCameras { try db.execute(sql: "DELETE FROM camera WHERE key = ?", arguments: [key]) }
        try db.execute(sql: "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'")
    }

    static func cameraMembers(_ db: Database, _ camera: String) throws -> [StoredTrack] {
        let rows = try Row.fetchCursor(db, sql: "SELECT \(trackColumns) FROM track WHERE camera = ?", arguments: [camera])
        var out: [StoredTrack] = []
        while let row = try rows.next() { out.append(try trackRow(row).decoded()) }
        return out
    }

    static let trackColumns = "id, ord, camera, frames_root, frame_count, frames, boxes, nl, other_views, appearance"

    static func trackRow(_ row: Row) -> TrackRow {
        TrackRow(id: row["id"], ord: row["ord"], camera: row["camera"], framesRoot: row["frames_root"], frameCount: row["frame_count"],
                 frames: row["frames"], boxes: row["boxes"], nl: row["nl"], otherViews: row["other_views"], appearance: row["appearance"])
    }

    /// Refuses an index whose stored vectors are of another layout; `claim` records this layout in a new one.
    static func checkFeatures(_ db: Database, layout: FeatureLayout, location: String, claim: Bool) throws {
        if let stored = try meta(db, MetaKey.features) {
            guard stored == layout.version else {
                throw IndexError.versionMismatch(index: location, what: "features", stored: stored, current: layout.version)
            }
        } else if claim {
            try setMeta(db, MetaKey.features, layout.version)
        }
    }

    static func meta(_ db: Database, _ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
    }

    static func setMeta(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", arguments: [key, value])
    }

    /// Records another feature version, as an older build would have; for tests of the refusal.
    public func setFeatureVersionForTesting(_ version: String) async throws {
        try await pool.write { db in try Self.setMeta(db, MetaKey.features, version) }
    }

    public func drop() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TABLE IF EXISTS track; DROP TABLE IF EXISTS feature; DROP TABLE IF EXISTS camera; DROP TABLE IF EXISTS meta; DROP TABLE IF EXISTS grdb_migrations")
        }
    }

    // MARK: reading

    public func generation() async throws -> Int64 {
        try await pool.read { db in Int64(try Self.meta(db, MetaKey.generation) ?? "0") ?? 0 }
    }

    public func snapshot() async throws -> FeatureSnapshot {
        let layout = self.layout
        let location = self.location
        return try await pool.read { db in
            try Self.checkFeatures(db, layout: layout, location: location, claim: false)
            let generation = Int64(try Self.meta(db, MetaKey.generation) ?? "0") ?? 0
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM track") ?? 0
            var builder = FeatureSnapshot.Builder(dimensions: layout.dimensions, capacity: count)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT t.id, t.camera, f.colour, f.type, f.vector FROM track t JOIN feature f ON f.id = t.id ORDER BY t.ord
                """)
            while let row = try rows.next() {
                try builder.append(id: row[0], camera: row[1], colour: row[2], type: row[3], vector: row[4])
            }
            return builder.build(generation: generation)
        }
    }

    public func details(of ids: [String]) async throws -> [String: TrackDetail] {
        try await pool.read { db in
            var out: [String: TrackDetail] = [:]
            for chunk in ids.chunked(500) {
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(Self.trackColumns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                           f.trajectory, f.neighbours, f.size_ratio, c.context
                    FROM track t LEFT JOIN feature f ON f.id = t.id LEFT JOIN camera c ON c.key = t.camera
                    WHERE t.id IN \(placeholders(chunk.count))
                    """, arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    let stored = try Self.trackRow(row).decoded()
                    out[stored.track.id] = try TrackDetail(stored: stored, trajectory: row["trajectory"], neighbours: row["neighbours"],
                                                           sizeRatio: row["size_ratio"], camera: row["context"])
                }
            }
            return out
        }
    }

    public func appearance(of ids: [String]) async throws -> [String: TrackAppearance] {
        try await pool.read { db in
            var out: [String: TrackAppearance] = [:]
            for chunk in ids.chunked(500) {
                let rows = try Row.fetchCursor(db, sql: "SELECT id, appearance FROM track WHERE appearance IS NOT NULL AND id IN \(placeholders(chunk.count))",
                                               arguments: StatementArguments(chunk))
                while let row = try rows.next() {
                    let json: String = row["appearance"]
                    out[row["id"]] = try RecordJSON.decode(TrackAppearance.self, json)
                }
            }
            return out
        }
    }

    public func track(id: String) async throws -> Track? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.trackColumns) FROM track WHERE id = ?", arguments: [id]).map { try Self.trackRow($0).decoded().track }
        }
    }

    public func framesRoot(of id: String) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT frames_root FROM track WHERE id = ?", arguments: [id])
        }
    }

    public func tracks(ofCamera camera: String) async throws -> [Track] {
        try await pool.read { db in try Self.cameraMembers(db, camera).sorted { $0.ord < $1.ord }.map(\.track) }
    }

    public func stats() async throws -> IndexStats {
        let location = self.location
        let current = layout.version
        return try await pool.read { db in
            IndexStats(
                location: location, backend: "sqlite",
                tracks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM track") ?? 0,
                cameras: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM camera") ?? 0,
                frames: try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(frame_count), 0) FROM track") ?? 0,
                tracksWithPixels: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM track WHERE appearance IS NOT NULL") ?? 0,
                featureVersion: try Self.meta(db, MetaKey.features), currentFeatureVersion: current,
                appearanceModel: try Self.meta(db, MetaKey.appearanceModel),
                generation: Int64(try Self.meta(db, MetaKey.generation) ?? "0") ?? 0,
                framesRoots: try String.fetchAll(db, sql: "SELECT DISTINCT frames_root FROM track WHERE frames_root IS NOT NULL ORDER BY 1 LIMIT 20"))
        }
    }

    public func integrity() async throws -> IntegrityReport {
        try await pool.read { db in
            IntegrityReport(
                tracks: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM track") ?? 0,
                tracksWithoutFeatures: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM track t WHERE NOT EXISTS (SELECT 1 FROM feature f WHERE f.id = t.id)") ?? 0,
                featuresWithoutTrack: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM feature f WHERE NOT EXISTS (SELECT 1 FROM track t WHERE t.id = f.id)") ?? 0,
                inconsistentCameras: (try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM (SELECT camera, COUNT(*) AS n FROM track GROUP BY camera) g
                    LEFT JOIN camera c ON c.key = g.camera WHERE c.key IS NULL OR c.tracks != g.n
                    """) ?? 0) + (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM camera c WHERE NOT EXISTS (SELECT 1 FROM track t WHERE t.camera = c.key)") ?? 0))
        }
    }
}

/// `(?, ?, ?)` for `n` values.
func placeholders(_ n: Int) -> String { "(" + Array(repeating: "?", count: n).joined(separator: ", ") + ")" }

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min(count, $0 + size)] }
    }
}

/// Incoming tracks with their pixels, frames root and gallery order; a repeated id keeps its
/// first place and its last content.
struct IncomingTracks {
    var tracks: [StoredTrack]

    init(_ input: [Track], options: AddOptions, stamp: Int64) {
        var position: [String: Int] = [:]
        var out: [StoredTrack] = []
        for track in input {
            let stored = StoredTrack(track: track, ord: IndexLocation.ord(stamp: stamp, position: out.count),
                                     framesRoot: options.framesRoot, appearance: options.appearance[track.id])
            if let at = position[track.id] {
                let ord = out[at].ord
                out[at] = stored
                out[at].ord = ord
            } else {
                position[track.id] = out.count
                out.append(stored)
            }
        }
        tracks = out
    }
}
