import Foundation
import SightlineData
import SightlineRanking

/// An index whose operations are written once, here, over the primitives of its store:
/// `SQLiteIndex` and `PostgresIndex` differ only in their store and migrations.
protocol StoreBackedIndex: VehicleIndex {
    associatedtype Store: IndexStore
    var store: Store { get }
    var layout: FeatureLayout { get }
}

extension StoreBackedIndex {
    public var location: String { store.location }

    public func close() async throws {
        try await store.close()
    }

    // MARK: writing

    public func add(_ tracks: [Track], options: AddOptions) async throws -> AddReport {
        let layout = self.layout, location = self.location
        let stamp = try await store.write { try await $0.beginAdd(options, layout: layout, location: location) }
        let incoming = IncomingTracks(tracks, options: options, stamp: stamp)
        var report = AddReport(added: 0, updated: 0, recomputed: 0, cameras: 0)
        var done = 0
        for (number, batch) in CameraUpdate.batches(incoming.tracks, size: options.batchSize).enumerated() {
            let part = try await store.write { session in
                try await session.checkFeatures(layout, location: location, claim: false)
                let part = try await session.addBatch(batch, layout: layout)
                if number == 1 { TestPause.beforeSecondCommit() }
                return part
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

    public func remove(_ ids: [String]) async throws -> Int {
        let layout = self.layout, location = self.location
        return try await store.write { session in
            try await session.checkFeatures(layout, location: location, claim: false)
            return try await session.remove(ids, layout: layout)
        }
    }

    public func drop() async throws {
        let tables = ["track", "feature", "camera", "meta", store.migrationsTable]
        try await store.write { session in
            for table in tables { try await session.execute("DROP TABLE IF EXISTS \(raw: table)") }
        }
    }

    // MARK: reading

    public func generation() async throws -> Int64 {
        try await store.read { try await $0.counter(MetaKey.generation) }
    }

    public func snapshot() async throws -> FeatureSnapshot {
        let layout = self.layout, location = self.location
        return try await store.snapshot { session in
            try await session.checkFeatures(layout, location: location, claim: false)
            let generation = try await session.counter(MetaKey.generation)
            var builder = FeatureSnapshot.Builder(dimensions: layout.dimensions, capacity: try await session.count("SELECT COUNT(*) AS n FROM track", of: "track"))
            let rows = try await session.rows("""
                SELECT t.id, t.camera, f.colour, f.type, f.vector FROM track t JOIN feature f ON f.id = t.id ORDER BY t.ord
                """)
            for row in rows {
                let track = row.record(in: "track", key: "id"), feature = row.record(in: "feature", key: "id")
                try builder.append(id: try track.text("id"), camera: try track.text("camera"), colour: try feature.optionalText("colour"),
                                   type: try feature.optionalText("type"), vector: try feature.blob("vector"))
            }
            return builder.build(generation: generation)
        }
    }

    public func details(of ids: [String]) async throws -> [String: TrackDetail] {
        try await store.read { session in
            var out: [String: TrackDetail] = [:]
            let rows = try await session.rows(in: ids) { chunk in """
                SELECT \(raw: TrackRow.columns(as: "t")), f.trajectory, f.neighbours, f.size_ratio, c.context
                FROM track t LEFT JOIN feature f ON f.id = t.id LEFT JOIN camera c ON c.key = t.camera
                WHERE t.id IN \(list: chunk)
                """
            }
            for row in rows {
                let stored = try TrackRow(row.record(in: "track", key: "id")).decoded()
                let feature = row.record(in: "feature", key: "id"), camera = row.record(in: "camera", key: "camera")
                out[stored.track.id] = try TrackDetail(stored: stored, trajectory: try feature.optionalText("trajectory"),
                                                       neighbours: try feature.optionalText("neighbours"), sizeRatio: try feature.optionalReal("size_ratio"),
                                                       camera: try camera.optionalText("context"))
            }
            return out
        }
    }

    public func appearance(of ids: [String]) async throws -> [String: TrackAppearance] {
        try await store.read { session in
            var out: [String: TrackAppearance] = [:]
            for row in try await session.rows(in: ids, { "SELECT id, appearance FROM track WHERE appearance IS NOT NULL AND id IN \(list: $0)" }) {
                let r = row.record(in: "track", key: "id"), id = try r.text("id")
                let text = try r.text("appearance")
                do throws(IndexError) { out[id] = try RecordJSON.decode(TrackAppearance.self, text) } catch {
                    throw error.located(table: "track", key: id, column: "appearance")
                }
            }
            return out
        }
    }

    public func track(id: String) async throws -> Track? {
        try await store.read { session in
            try await session.rows("SELECT \(raw: TrackRow.columns.joined(separator: ", ")) FROM track WHERE id = \(id)").first
                .map { try TrackRow($0.record(in: "track", key: "id")).decoded().track }
        }
    }

    public func framesRoot(of id: String) async throws -> String? {
        try await store.read { session in
            try await session.rows("SELECT id, frames_root FROM track WHERE id = \(id)").first
                .flatMap { try $0.record(in: "track", key: "id").optionalText("frames_root") }
        }
    }

    public func tracks(ofCamera camera: String) async throws -> [Track] {
        try await store.read { try await $0.members(of: [camera]).sorted { $0.ord < $1.ord }.map(\.track) }
    }

    public func stats() async throws -> IndexStats {
        let location = self.location, backend = store.backend, current = layout.version
        return try await store.snapshot { s in
            IndexStats(
                location: location, backend: backend,
                tracks: try await s.count("SELECT COUNT(*) AS n FROM track", of: "track"),
                cameras: try await s.count("SELECT COUNT(*) AS n FROM camera", of: "camera"),
                frames: try await s.count("SELECT COALESCE(SUM(frame_count), 0) AS n FROM track", of: "track"),
                tracksWithPixels: try await s.count("SELECT COUNT(*) AS n FROM track WHERE appearance IS NOT NULL", of: "track"),
                featureVersion: try await s.meta(MetaKey.features), currentFeatureVersion: current,
                appearanceModel: try await s.meta(MetaKey.appearanceModel),
                generation: try await s.counter(MetaKey.generation),
                framesRoots: try await s.rows("SELECT DISTINCT frames_root FROM track WHERE frames_root IS NOT NULL ORDER BY 1 LIMIT 20")
                    .map { try StoredRecord(table: "track", key: "frames_root", row: $0).text("frames_root") })
        }
    }

    public func integrity() async throws -> IntegrityReport {
        try await store.snapshot { try await Self.integrity($0) }
    }

    /// `integrity()` within a transaction already open.
    static func integrity(_ s: Store.Session) async throws -> IntegrityReport {
        IntegrityReport(
            tracks: try await s.count("SELECT COUNT(*) AS n FROM track", of: "track"),
            tracksWithoutFeatures: try await s.count("""
                SELECT COUNT(*) AS n FROM track t WHERE NOT EXISTS (SELECT 1 FROM feature f WHERE f.id = t.id)
                """, of: "track"),
            featuresWithoutTrack: try await s.count("""
                SELECT COUNT(*) AS n FROM feature f WHERE NOT EXISTS (SELECT 1 FROM track t WHERE t.id = f.id)
                """, of: "feature"),
            inconsistentCameras: try await s.count("""
                SELECT COUNT(*) AS n FROM (SELECT camera, COUNT(*) AS n FROM track GROUP BY camera) g
                LEFT JOIN camera c ON c.key = g.camera WHERE c.key IS NULL OR c.tracks != g.n
                """, of: "camera") + (try await s.count("""
                SELECT COUNT(*) AS n FROM camera c WHERE NOT EXISTS (SELECT 1 FROM track t WHERE t.camera = c.key)
                """, of: "camera")))
    }
}
