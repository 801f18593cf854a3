import Foundation
import SightlineData
import SightlineIndex
import SightlineRanking

/// Writes tracks into an index, with colour, type and embedding from their frames when a frames
/// root is given: what `index add` and `ingest` store, with progress and a summary on stderr.
struct IndexAdding {
    var db: String
    var layout: FeatureLayout
    var pixels: PixelSettings
    var batchSize: Int
    var strict: Bool

    /// Adds or replaces `tracks` (their frames relative to `framesRoot`, when given), then removes
    /// the ids of `replacing` that `tracks` no longer holds.
    func add(_ tracks: [Track], framesRoot: String?, replacing: [String] = []) async throws {
        let root = framesRoot.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let appearance = try root.map { try pixels.appearance(of: tracks, root: $0, strict: strict) } ?? [:]
        let options = AddOptions(
            appearance: appearance, appearanceModel: root == nil ? nil : pixels.modelDescription,
            framesRoot: root, batchSize: batchSize,
            progress: { done, total in printError("index: \(done)/\(total) tracks written") })
        let kept = Set(tracks.map(\.id))
        let stale = replacing.filter { !kept.contains($0) }
        let clock = ContinuousClock()
        let (report, removed, elapsed, location) = try await withIndex(db, layout: layout, access: .create) { index in
            let start = clock.now
            let report = try await index.add(tracks, options: options)
            var removed = 0
            if !stale.isEmpty { removed = try await index.remove(stale) }
            return (report, removed, clock.now - start, index.location)
        }
        printError("index: \(report.added) added, \(report.updated) updated, \(removed > 0 ? "\(removed) no longer found removed, " : "")\(report.recomputed) features recomputed over \(report.cameras) cameras in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds]))); \(location)")
    }

    /// Refuses, before anything is computed, an index holding features or pixel colours of other
    /// versions than these options write; a SQLite file not there yet passes (it is created on add).
    func checkCompatible() async throws {
        if !db.contains("://"), !FileManager.default.fileExists(atPath: db) { return }
        let model = pixels.modelDescription
        try await withIndex(db, layout: layout, access: .write) { index in
            let stats = try await index.stats()
            if let stored = stats.featureVersion, stored != stats.currentFeatureVersion {
                throw IndexError.versionMismatch(index: index.location, what: "features", stored: stored, current: stats.currentFeatureVersion)
            }
            if let stored = stats.appearanceModel, stored != model {
                throw IndexError.versionMismatch(index: index.location, what: "colours and types from pixel model", stored: stored, current: model)
            }
        }
    }
}
