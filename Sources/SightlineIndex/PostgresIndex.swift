import Foundation
import PostgresNIO
import SightlineData

/// The index in PostgreSQL, for several ingest workers and stateless search nodes sharing one
/// index. Writers lock the cameras they touch (advisory transaction locks, in key order) so two
/// workers never compute a camera's features from different sets of tracks; every commit bumps
/// the `generation` row that searchers poll to reload.
///
/// `postgres://user[:password]@host[:port]/database[?schema=name]`: with `schema`, the tables live
/// in that schema (created when missing), so several indexes can share a database.
public final class PostgresIndex: VehicleIndex, @unchecked Sendable {
    public let location: String
    let layout: FeatureLayout
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger

    public init(url: String, layout: FeatureLayout = .standard) async throws {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else { throw IndexError.badLocation(url) }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let user = parts.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        var config = PostgresClient.Configuration(host: host, port: parts.port ?? 5432, username: user, password: parts.password,
                                                  database: database.isEmpty ? nil : database, tls: .disable)
        let schema = parts.queryItems?.first { $0.name == "schema" }?.value
        if let schema {
            guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw IndexError.badLocation(url)
            }
            config.options.additionalStartupParameters = [("search_path", schema)]
        }
        config.options.maximumConnections = 8
        var redacted = parts
        redacted.password = nil
        self.location = redacted.string ?? url
        self.layout = layout
        var logger = Logger(label: "sightline.index.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let client = PostgresClient(configuration: config)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await migrate(schema: schema)
        } catch {
            runner.cancel()
            throw IndexError.database(index: location, detail: "cannot open the PostgreSQL index: \(String(reflecting: error))")
        }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    /// A transaction that rethrows the body's own error rather than PostgresNIO's wrapper of it.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { c in try await body(c) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    func migrate(schema: String?) async throws {
        try await transaction { c in
            try await c.query("SELECT pg_advisory_xact_lock(hashtext('sightline-index-migrate'))", logger: logger)
            if let schema { try await c.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \"\(schema)\""), logger: logger) }
            for sql in [
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
            ] {
                try await c.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            }
        }
    }

    // MARK: writing

    public func add(_ tracks: [Track], options: AddOptions) async throws -> AddReport {
        let layout = self.layout, location = self.location, logger = self.logger
        let stamp: Int64 = try await transaction { c in
            try await Self.lockMeta(c, logger)
            try await Self.checkFeatures(c, logger, layout: layout, location: location, claim: true)
            if let model = options.appearanceModel {
                if let stored = try await Self.meta(c, logger, MetaKey.appearanceModel), stored != model {
                    throw IndexError.versionMismatch(index: location, what: "colours and types from pixel model", stored: stored, current: model)
                }
                try await Self.setMeta(c, logger, MetaKey.appearanceModel, model)
            }
            let stamp = Int64(try await Self.meta(c, logger, MetaKey.addCalls) ?? "0")! + 1
            try await Self.setMeta(c, logger, MetaKey.addCalls, String(stamp))
            return stamp
        }
        let incoming = IncomingTracks(tracks, options: options, stamp: stamp)
        var report = AddReport(added: 0, updated: 0, recomputed: 0, cameras: 0)
        var done = 0
        for batch in CameraUpdate.batches(incoming.tracks, size: options.batchSize) {
            let part = try await transaction { c in
                try await Self.checkFeatures(c, logger, layout: layout, location: location, claim: false)
                return try await Self.addBatch(c, logger, batch, layout: layout)
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

    static func addBatch(_ c: PostgresConnection, _ logger: Logger, _ batch: [StoredTrack], layout: FeatureLayout) async throws -> AddReport {
        var touched = Set(batch.map(\.track.cameraKey))
        try await lockCameras(c, logger, touched)
        var existing: [String: (ord: Int64, camera: String)] = [:]
        let ids = batch.map(\.track.id)
        for try await (id, ord, camera) in try await c.query("SELECT id, ord, camera FROM track WHERE id = ANY(\(ids))", logger: logger)
            .decode((String, Int64, String).self) {
            existing[id] = (ord, camera)
        }
        var incoming = batch
        var moved = Set<String>()
        for i in incoming.indices {
            if let old = existing[incoming[i].track.id] {
                incoming[i].ord = old.ord
                if !touched.contains(old.camera) { moved.insert(old.camera) }
            }
        }
        if !moved.isEmpty {
            try await lockCameras(c, logger, moved)
            touched.formUnion(moved)
        }
        let members = try await cameraMembers(c, logger, Array(touched))
        let update = CameraUpdate.plan(layout: layout, members: members, incoming: incoming, removing: [], touched: touched)
        try await write(c, logger, update, deleting: [])
        return AddReport(added: batch.count - existing.count, updated: existing.count, recomputed: update.features.count, cameras: update.cameras.count)
    }

    public func remove(_ ids: [String]) async throws -> Int {
        let layout = self.layout, location = self.location, logger = self.logger
        return try await transaction { c in
            try await Self.checkFeatures(c, logger, layout: layout, location: location, claim: false)
            var touched = Set<String>()
            for try await camera in try await c.query("SELECT DISTINCT camera FROM track WHERE id = ANY(\(ids))", logger: logger).decode(String.self) {
                touched.insert(camera)
            }
            guard !touched.isEmpty else { return 0 }
            try await Self.lockCameras(c, logger, touched)
            var found: [String] = []
            for try await id in try await c.query("SELECT id FROM track WHERE id = ANY(\(ids))", logger: logger).decode(String.self) {
                found.append(id)
            }
            let members = try await Self.cameraMembers(c, logger, Array(touched))
            let update = CameraUpdate.plan(layout: layout, members: members, incoming: [], removing: Set(found), touched: touched)
            try await Self.write(c, logger, update, deleting: found)
            return found.count
        }
    }

    /// Transaction-scoped advisory locks on cameras, taken in key order.
    static func lockCameras(_ c: PostgresConnection, _ logger: Logger, _ cameras: Set<String>) async throws {
        let keys = cameras.map { "camera:" + $0 }.sorted()
        try await c.query("SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest(\(keys)::text[]) AS u(k) ORDER BY k) AS s",
                          logger: logger)
    }

    static func lockMeta(_ c: PostgresConnection, _ logger: Logger) async throws {
        try await c.query("SELECT pg_advisory_xact_lock(hashtext('sightline-index-meta'))", logger: logger)
    }

    static func write(_ c: PostgresConnection, _ logger: Logger, _ update: CameraUpdate, deleting: [String]) async throws {
        if !deleting.isEmpty {
            try await c.query("DELETE FROM track WHERE id = ANY(\(deleting))", logger: logger)
            try await c.query("DELETE FROM feature WHERE id = ANY(\(deleting))", logger: logger)
        }
        for chunk in update.tracks.chunked(1000) {
            let t = Array(chunk)
            let ids = t.map(\.id), ords = t.map(\.ord), cameras = t.map(\.camera), roots = t.map { $0.framesRoot ?? "" }
            let counts = t.map { Int64($0.frameCount) }, frames = t.map { ByteBuffer(bytes: $0.frames) }, boxes = t.map { ByteBuffer(bytes: $0.boxes) }
            let nl = t.map(\.nl), other = t.map(\.otherViews), appearance = t.map { $0.appearance ?? "" }
            try await c.query("""
                INSERT INTO track (id, ord, camera, frames_root, frame_count, frames, boxes, nl, other_views, appearance)
                SELECT id, ord, camera, NULLIF(root, ''), n, frames, boxes, nl, other, NULLIF(appearance, '')
                FROM unnest(\(ids)::text[], \(ords)::bigint[], \(cameras)::text[], \(roots)::text[], \(counts)::bigint[],
                            \(frames)::bytea[], \(boxes)::bytea[], \(nl)::text[], \(other)::text[], \(appearance)::text[])
                     AS u(id, ord, camera, root, n, frames, boxes, nl, other, appearance)
                ON CONFLICT (id) DO UPDATE SET ord = EXCLUDED.ord, camera = EXCLUDED.camera, frames_root = EXCLUDED.frames_root,
                    frame_count = EXCLUDED.frame_count, frames = EXCLUDED.frames, boxes = EXCLUDED.boxes, nl = EXCLUDED.nl,
                    other_views = EXCLUDED.other_views, appearance = EXCLUDED.appearance
                """, logger: logger)
        }
        for chunk in update.features.chunked(1000) {
            let f = Array(chunk)
            let ids = f.map(\.id), vectors = f.map { ByteBuffer(bytes: $0.vector) }, trajectories = f.map(\.trajectory)
            let neighbours = f.map(\.neighbours), ratios = f.map(\.sizeRatio), colours = f.map { $0.colour ?? "" }, types = f.map { $0.type ?? "" }
            try await c.query("""
                INSERT INTO feature (id, vector, trajectory, neighbours, size_ratio, colour, type)
                SELECT id, vector, trajectory, neighbours, ratio, NULLIF(colour, ''), NULLIF(type, '')
                FROM unnest(\(ids)::text[], \(vectors)::bytea[], \(trajectories)::text[], \(neighbours)::text[], \(ratios)::float8[],
                            \(colours)::text[], \(types)::text[]) AS u(id, vector, trajectory, neighbours, ratio, colour, type)
                ON CONFLICT (id) DO UPDATE SET vector = EXCLUDED.vector, trajectory = EXCLUDED.trajectory, neighbours = EXCLUDED.neighbours,
                    size_ratio = EXCLUDED.size_ratio, colour = EXCLUDED.colour, type = EXCLUDED.type
                """, logger: logger)
        }
        if !update.cameras.isEmpty {
            let keys = update.cameras.map(\.key), counts = update.cameras.map { Int64($0.tracks) }, contexts = update.cameras.map(\.context)
            try await c.query("""
                INSERT INTO camera (key, tracks, context) SELECT * FROM unnest(\(keys)::text[], \(counts)::bigint[], \(contexts)::text[])
                ON CONFLICT (key) DO UPDATE SET tracks = EXCLUDED.tracks, context = EXCLUDED.context
                """, logger: logger)
        }
        if !update.emptiedCameras.isEmpty {
            try await c.query("DELETE FROM camera WHERE key = ANY(\(update.emptiedCameras))", logger: logger)
        }
        try await c.query("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'", logger: logger)
    }

    static let trackColumns = "t.id, t.ord, t.camera, t.frames_root, t.frame_count, t.frames, t.boxes, t.nl, t.other_views, t.appearance"
    typealias TrackTuple = (String, Int64, String, String?, Int64, ByteBuffer, ByteBuffer, String, String, String?)

    static func trackRow(_ r: TrackTuple) -> TrackRow {
        TrackRow(id: r.0, ord: r.1, camera: r.2, framesRoot: r.3, frameCount: Int(r.4), frames: Data(r.5.readableBytesView), boxes: Data(r.6.readableBytesView),
                 nl: r.7, otherViews: r.8, appearance: r.9)
    }

    static func cameraMembers(_ c: PostgresConnection, _ logger: Logger, _ cameras: [String]) async throws -> [StoredTrack] {
        var out: [StoredTrack] = []
        let rows = try await c.query(PostgresQuery(unsafeSQL: "SELECT \(trackColumns) FROM track t WHERE t.camera = ANY($1)", binds: binds(cameras)), logger: logger)
        for try await r in rows.decode(TrackTuple.self) { out.append(try trackRow(r).decoded()) }
        return out
    }

    static func binds(_ values: [String]) -> PostgresBindings {
        var b = PostgresBindings()
        b.append(values)
        return b
    }

    static func checkFeatures(_ c: PostgresConnection, _ logger: Logger, layout: FeatureLayout, location: String, claim: Bool) async throws {
        if let stored = try await meta(c, logger, MetaKey.features) {
            guard stored == layout.version else {
                throw IndexError.versionMismatch(index: location, what: "features", stored: stored, current: layout.version)
            }
        } else if claim {
            try await setMeta(c, logger, MetaKey.features, layout.version)
        }
    }

    static func meta(_ c: PostgresConnection, _ logger: Logger, _ key: String) async throws -> String? {
        for try await value in try await c.query("SELECT value FROM meta WHERE key = \(key)", logger: logger).decode(String.self) {
            return value
        }
        return nil
    }

    static func setMeta(_ c: PostgresConnection, _ logger: Logger, _ key: String, _ value: String) async throws {
        try await c.query("INSERT INTO meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", logger: logger)
    }

    /// Records another feature version, as an older build would have; for tests of the refusal.
    public func setFeatureVersionForTesting(_ version: String) async throws {
        let logger = self.logger
        try await client.withConnection { c in try await Self.setMeta(c, logger, MetaKey.features, version) }
    }

    public func drop() async throws {
        let logger = self.logger
        try await client.withConnection { c in
            for table in ["track", "feature", "camera", "meta"] {
                try await c.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS \(table)"), logger: logger)
            }
        }
    }

    // MARK: reading

    func scalar<T: PostgresDecodable & Sendable>(_ query: PostgresQuery, _ type: T.Type) async throws -> T? {
        let logger = self.logger
        return try await client.withConnection { c in
            for try await v in try await c.query(query, logger: logger).decode(T.self) { return v }
            return nil
        }
    }

    public func generation() async throws -> Int64 {
        Int64(try await scalar("SELECT value FROM meta WHERE key = 'generation'", String.self) ?? "0") ?? 0
    }

    public func snapshot() async throws -> FeatureSnapshot {
        let layout = self.layout, location = self.location, logger = self.logger
        // One repeatable-read transaction: the generation matches the rows.
        return try await client.withConnection { c in
            try await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                try await Self.checkFeatures(c, logger, layout: layout, location: location, claim: false)
                let generation = Int64(try await Self.meta(c, logger, MetaKey.generation) ?? "0") ?? 0
                var count = 0
                for try await n in try await c.query("SELECT COUNT(*) FROM track", logger: logger).decode(Int64.self) { count = Int(n) }
                var builder = FeatureSnapshot.Builder(dimensions: layout.dimensions, capacity: count)
                let rows = try await c.query("""
                    SELECT t.id, t.camera, f.colour, f.type, f.vector FROM track t JOIN feature f ON f.id = t.id ORDER BY t.ord
                    """, logger: logger)
                for try await (id, camera, colour, type, vector) in rows.decode((String, String, String?, String?, ByteBuffer).self) {
                    try builder.append(id: id, camera: camera, colour: colour, type: type, vector: Data(vector.readableBytesView))
                }
                try await c.query("COMMIT", logger: logger)
                return builder.build(generation: generation)
            } catch {
                _ = try? await c.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func details(of ids: [String]) async throws -> [String: TrackDetail] {
        let logger = self.logger
        return try await client.withConnection { c in
            var out: [String: TrackDetail] = [:]
            let rows = try await c.query(PostgresQuery(unsafeSQL: """
                SELECT \(Self.trackColumns), f.trajectory, f.neighbours, f.size_ratio, cam.context
                FROM track t LEFT JOIN feature f ON f.id = t.id LEFT JOIN camera cam ON cam.key = t.camera
                WHERE t.id = ANY($1)
                """, binds: Self.binds(ids)), logger: logger)
            for try await r in rows.decode((String, Int64, String, String?, Int64, ByteBuffer, ByteBuffer, String, String, String?,
                                            String?, String?, Double?, String?).self) {
                let t: TrackTuple = (r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9)
                let (trajectory, neighbours, ratio, context) = (r.10, r.11, r.12, r.13)
                let stored = try Self.trackRow(t).decoded()
                out[stored.track.id] = try TrackDetail(stored: stored, trajectory: trajectory, neighbours: neighbours, sizeRatio: ratio, camera: context)
            }
            return out
        }
    }

    public func appearance(of ids: [String]) async throws -> [String: TrackAppearance] {
        let logger = self.logger
        return try await client.withConnection { c in
            var out: [String: TrackAppearance] = [:]
            let rows = try await c.query(PostgresQuery(unsafeSQL: "SELECT id, appearance FROM track WHERE appearance IS NOT NULL AND id = ANY($1)",
                                                       binds: Self.binds(ids)), logger: logger)
            for try await (id, json) in rows.decode((String, String).self) {
                out[id] = try RecordJSON.decode(TrackAppearance.self, json)
            }
            return out
        }
    }

    public func track(id: String) async throws -> Track? {
        try await details(of: [id])[id]?.track
    }

    public func framesRoot(of id: String) async throws -> String? {
        let logger = self.logger
        return try await client.withConnection { c in
            for try await root in try await c.query("SELECT frames_root FROM track WHERE id = \(id)", logger: logger).decode(String?.self) {
                return root
            }
            return nil
        }
    }

    public func tracks(ofCamera camera: String) async throws -> [Track] {
        let logger = self.logger
        return try await client.withConnection { c in
            try await Self.cameraMembers(c, logger, [camera]).sorted { $0.ord < $1.ord }.map(\.track)
        }
    }

    public func stats() async throws -> IndexStats {
        let logger = self.logger
        func count(_ sql: String) async throws -> Int { Int(try await scalar(PostgresQuery(unsafeSQL: sql), Int64.self) ?? 0) }
        let roots: [String] = try await client.withConnection { c in
            var out: [String] = []
            for try await r in try await c.query("SELECT DISTINCT frames_root FROM track WHERE frames_root IS NOT NULL ORDER BY 1 LIMIT 20", logger: logger)
                .decode(String.self) { out.append(r) }
            return out
        }
        return IndexStats(
            location: location, backend: "postgresql",
            tracks: try await count("SELECT COUNT(*) FROM track"),
            cameras: try await count("SELECT COUNT(*) FROM camera"),
            frames: try await count("SELECT COALESCE(SUM(frame_count), 0)::bigint FROM track"),
            tracksWithPixels: try await count("SELECT COUNT(*) FROM track WHERE appearance IS NOT NULL"),
            featureVersion: try await scalar("SELECT value FROM meta WHERE key = 'features'", String.self),
            currentFeatureVersion: layout.version,
            appearanceModel: try await scalar("SELECT value FROM meta WHERE key = 'appearance_model'", String.self),
            generation: try await generation(),
            framesRoots: roots)
    }

    public func integrity() async throws -> IntegrityReport {
        func count(_ sql: String) async throws -> Int { Int(try await scalar(PostgresQuery(unsafeSQL: sql), Int64.self) ?? 0) }
        return IntegrityReport(
            tracks: try await count("SELECT COUNT(*) FROM track"),
            tracksWithoutFeatures: try await count("SELECT COUNT(*) FROM track t WHERE NOT EXISTS (SELECT 1 FROM feature f WHERE f.id = t.id)"),
            featuresWithoutTrack: try await count("SELECT COUNT(*) FROM feature f WHERE NOT EXISTS (SELECT 1 FROM track t WHERE t.id = f.id)"),
            inconsistentCameras: try await count("""
                SELECT COUNT(*) FROM (SELECT camera, COUNT(*) AS n FROM track GROUP BY camera) g
                LEFT JOIN camera c ON c.key = g.camera WHERE c.key IS NULL OR c.tracks != g.n
                """) + (try await count("SELECT COUNT(*) FROM camera c WHERE NOT EXISTS (SELECT 1 FROM track t WHERE t.camera = c.key)")))
    }
}
