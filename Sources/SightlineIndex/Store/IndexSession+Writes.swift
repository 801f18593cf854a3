import Algorithms
import Foundation
import SightlineData
import SightlineRanking

/// The statements of one write transaction: load the touched cameras, plan, write.
extension IndexSession {
    /// Takes the next add-call stamp, after checking (and claiming) the feature layout and pixel model.
    func beginAdd(_ options: AddOptions, layout: FeatureLayout, location: String) async throws -> Int64 {
        try await lock([IndexLock.meta])
        try await checkFeatures(layout, location: location, claim: true)
        if let model = options.appearanceModel {
            if let stored = try await meta(MetaKey.appearanceModel), stored != model {
                throw IndexError.versionMismatch(index: location, what: "colours and types from pixel model", stored: stored, current: model)
            }
            try await setMeta(MetaKey.appearanceModel, model)
        }
        let stamp = try await counter(MetaKey.addCalls) + 1
        try await setMeta(MetaKey.addCalls, String(stamp))
        return stamp
    }

    /// Adds or replaces one batch of whole cameras and recomputes every camera it touches.
    func addBatch(_ batch: [StoredTrack], layout: FeatureLayout) async throws -> AddReport {
        var touched = Set(batch.map(\.track.cameraKey))
        try await lock(IndexLock.cameras(touched))
        var existing: [String: (ord: Int64, camera: String)] = [:]
        for row in try await rows(in: batch.map(\.track.id), { "SELECT id, ord, camera FROM track WHERE id IN \(list: $0)" }) {
            let r = row.record(in: "track", key: "id")
            existing[try r.text("id")] = (try r.integer("ord"), try r.text("camera"))
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
            try await lock(IndexLock.cameras(moved))
            touched.formUnion(moved)
        }
        let members = try await members(of: touched)
        let update = try CameraUpdate.plan(layout: layout, members: members, incoming: incoming, removing: [], touched: touched)
        try await write(update, deleting: [])
        return AddReport(added: batch.count - existing.count, updated: existing.count, recomputed: update.features.count, cameras: update.cameras.count)
    }

    /// Removes the stored tracks among `ids` and recomputes their cameras; returns how many there were.
    func remove(_ ids: [String], layout: FeatureLayout) async throws -> Int {
        let ids = Array(Set(ids))
        var touched = Set<String>()
        for row in try await rows(in: ids, { "SELECT DISTINCT camera FROM track WHERE id IN \(list: $0)" }) {
            touched.insert(try row.record(in: "track", key: "camera").text("camera"))
        }
        guard !touched.isEmpty else { return 0 }
        try await lock(IndexLock.cameras(touched))
        let found = try await rows(in: ids, { "SELECT id FROM track WHERE id IN \(list: $0)" }).map { try $0.record(in: "track", key: "id").text("id") }
        let members = try await members(of: touched)
        let update = try CameraUpdate.plan(layout: layout, members: members, incoming: [], removing: Set(found), touched: touched)
        try await write(update, deleting: found)
        return found.count
    }

    /// The stored tracks of the cameras, in no particular order.
    func members(of cameras: Set<String>) async throws -> [StoredTrack] {
        try await rows(in: Array(cameras), { "SELECT \(raw: TrackRow.columns(as: "t")) FROM track t WHERE t.camera IN \(list: $0)" })
            .map { try TrackRow($0.record(in: "track", key: "id")).decoded() }
    }

    /// Writes a planned update and bumps `generation`.
    func write(_ update: CameraUpdate, deleting: [String]) async throws {
        for chunk in deleting.chunks(ofCount: 500) {
            try await execute("DELETE FROM track WHERE id IN \(list: chunk)")
            try await execute("DELETE FROM feature WHERE id IN \(list: chunk)")
        }
        try await upsert(into: "track", key: "id", columns: TrackRow.columns, values: update.tracks.map(\.values))
        try await upsert(into: "feature", key: "id", columns: FeatureRow.columns, values: update.features.map(\.values))
        try await upsert(into: "camera", key: "key", columns: CameraRow.columns, values: update.cameras.map(\.values))
        for chunk in update.emptiedCameras.chunks(ofCount: 500) { try await execute("DELETE FROM camera WHERE key IN \(list: chunk)") }
        _ = try await counter(MetaKey.generation)  // a malformed value throws here rather than casting to 0
        try await execute("""
            UPDATE meta SET value = CAST(CAST(value AS \(raw: integerType)) + 1 AS TEXT) WHERE key = \(MetaKey.generation)
            """)
    }
}

/// Names of the transaction locks writers take, the same in every build that shares an index.
enum IndexLock {
    static let meta = "sightline-index-meta"
    static func cameras(_ keys: Set<String>) -> Set<String> { Set(keys.map { "camera:" + $0 }) }
}
