import Foundation
import SightlineData
import SightlineRanking
import SightlineTracks

/// The rows to write when the tracks of some cameras change. A camera's context, its tracks'
/// neighbours and their size ratios depend on all of that camera's tracks, so every track of a
/// touched camera gets its features recomputed; other cameras are untouched. Backends load the
/// current members of the touched cameras inside their write transaction, plan, and write.
struct CameraUpdate: Sendable {
    /// Incoming tracks to insert or replace.
    var tracks: [TrackRow] = []
    /// Features of every track of every touched camera.
    var features: [FeatureRow] = []
    /// Touched cameras that still have tracks.
    var cameras: [CameraRow] = []
    /// Touched cameras left without tracks.
    var emptiedCameras: [String] = []

    /// - Parameters:
    ///   - members: the stored tracks of the touched cameras, before the change.
    ///   - incoming: tracks to insert or replace (their ord already settled).
    ///   - removing: ids to delete.
    ///   - touched: the cameras whose membership changes (incoming tracks' cameras and the old cameras of moved or removed tracks).
    static func plan(layout: FeatureLayout, members: [StoredTrack], incoming: [StoredTrack], removing: Set<String>,
                     touched: Set<String>, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(IndexError) -> CameraUpdate {
        let replaced = Set(incoming.map(\.track.id))
        let remaining = members.filter { !replaced.contains($0.track.id) && !removing.contains($0.track.id) } + incoming
        let byCamera = Dictionary(grouping: remaining, by: \.track.cameraKey)
        var update = CameraUpdate()
        update.tracks = try incoming.map { s throws(IndexError) in try TrackRow(s) }
        update.emptiedCameras = touched.filter { byCamera[$0] == nil }.sorted()
        let groups = touched.compactMap { byCamera[$0] }.map { $0.sorted { $0.ord < $1.ord } }
        let results = ConcurrentResults<Result<([FeatureRow], CameraRow), IndexError>>(count: groups.count)
        let workers = min(max(1, threads), max(1, groups.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for i in stride(from: worker, to: groups.count, by: workers) {
                results.set(i, Result { () throws(IndexError) in try features(layout: layout, camera: groups[i]) })
            }
        }
        for result in results.values {
            let (rows, camera) = try result.get()
            update.features += rows
            update.cameras.append(camera)
        }
        return update
    }

    /// Features of every track of one camera.
    static func features(layout: FeatureLayout, camera members: [StoredTrack]) throws(IndexError) -> ([FeatureRow], CameraRow) {
        let tracks = members.map(\.track)
        var appearance: [String: TrackAppearance] = [:]
        for m in members { if let a = m.appearance { appearance[m.track.id] = a } }
        let gallery = layout.withEmbeddings(Gallery(tracks: tracks, appearance: appearance))
        let key = tracks[0].cameraKey
        // TrackAnalysis holds a context for every camera of its tracks.
        let context = gallery.analysis.cameras[key]!
        let rows = try members.map { m throws(IndexError) in
            let id = m.track.id
            var trajectory = gallery.analysis.trajectories[id]
            trajectory?.speedProfile = []
            return FeatureRow(
                id: id,
                vector: TrackCodec.encodeVector(layout.features(of: m.track, in: gallery)),
                trajectory: try trajectory.map { t throws(IndexError) in try RecordJSON.encode(t) } ?? "null",
                neighbours: try RecordJSON.encode(gallery.analysis.neighbours[id] ?? []),
                sizeRatio: gallery.analysis.sizeRatio[id] ?? 1,
                colour: m.appearance?.colours.mostLikely?.rawValue,
                type: m.appearance?.types.mostLikely?.rawValue)
        }
        return (rows, CameraRow(key: key, tracks: tracks.count, context: try RecordJSON.encode(context)))
    }

    /// Splits incoming tracks into transactions of about `size` tracks, never splitting a camera.
    static func batches(_ tracks: [StoredTrack], size: Int) -> [[StoredTrack]] {
        var order: [String] = []
        var groups: [String: [StoredTrack]] = [:]
        for t in tracks {
            let key = t.track.cameraKey
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(t)
        }
        var out: [[StoredTrack]] = []
        var current: [StoredTrack] = []
        for key in order {
            let group = groups[key]!
            if !current.isEmpty && current.count + group.count > size {
                out.append(current)
                current = []
            }
            current += group
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}

/// Results written by index from several threads.
final class ConcurrentResults<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [T?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: T) { lock.withLock { storage[i] = value } }

    var values: [T] { lock.withLock { storage.map { $0! } } }
}

extension TrackDetail {
    /// Decodes the stored rows of one track; a damaged value names the track, its table and column.
    init(stored: StoredTrack, trajectory: String?, neighbours: String?, sizeRatio: Double?, camera: String?) throws(IndexError) {
        let id = stored.track.id
        func decode<T: Decodable>(_ type: T.Type, _ text: String, table: String, column: String) throws(IndexError) -> T {
            do throws(IndexError) { return try RecordJSON.decode(type, text) } catch {
                throw error.located(table: table, key: table == "camera" ? stored.track.cameraKey : id, column: column)
            }
        }
        self.track = stored.track
        self.appearance = stored.appearance
        if let trajectory, trajectory != "null" {
            self.trajectory = try decode(Trajectory.self, trajectory, table: "feature", column: "trajectory")
        } else {
            self.trajectory = nil
        }
        self.neighbours = try neighbours.map { n throws(IndexError) in try decode([Neighbour].self, n, table: "feature", column: "neighbours") } ?? []
        self.sizeRatio = sizeRatio ?? 1
        self.camera = try camera.map { c throws(IndexError) in try decode(CameraContext.self, c, table: "camera", column: "context") }
    }
}
