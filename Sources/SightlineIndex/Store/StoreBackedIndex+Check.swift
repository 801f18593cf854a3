import Foundation
import SightlineData
import SightlineRanking
import SightlineTracks

/// What `index check` found.
public struct IndexCheck: Sendable, Equatable, Codable {
    public var location: String
    public var backend: String
    /// The checks that ran, in order.
    public var checks: [String]
    /// Track rows read.
    public var tracks: Int
    /// One sentence per problem, naming the table and row; at most `IndexCheck.listed` of them, then a count of the rest.
    public var problems: [String]
    /// Every problem found, listed or not.
    public var problemCount: Int
    public var isSound: Bool { problemCount == 0 }

    static let listed = 100
}

/// Collects problems, listing the first `IndexCheck.listed`.
private struct Problems {
    var listed: [String] = []
    var more = 0

    mutating func add(_ problem: String) {
        if listed.count < IndexCheck.listed { listed.append(problem) } else { more += 1 }
    }

    var all: [String] { listed + (more > 0 ? ["and \(more) more problems"] : []) }
}

extension StoreBackedIndex {
    public func check() async throws -> IndexCheck {
        let layout = self.layout
        var problems = Problems()
        var checks: [String] = []
        if let pages = try await store.pageCheck() {
            checks.append(pages.check)
            for p in pages.problems { problems.add("\(pages.check): \(p)") }
        }
        checks += ["meta counters and versions", "every track and feature row decodes", "tracks, features and cameras agree"]
        var tracks = 0
        do {
            let (found, own) = try await store.snapshot { session in try await Self.rowProblems(session, layout: layout) }
            tracks = found
            for p in own { problems.add(p) }
        } catch {
            problems.add("reading the index failed: \(error)")
        }
        return IndexCheck(location: location, backend: store.backend, checks: checks, tracks: tracks, problems: problems.all,
                          problemCount: problems.listed.count + problems.more)
    }

    /// Sightline's own checks, in one read transaction: track rows read, and the problems found.
    private static func rowProblems(_ s: Store.Session, layout: FeatureLayout) async throws -> (Int, [String]) {
        var problems: [String] = []
        var addCalls: Int64?
        for key in [MetaKey.generation, MetaKey.addCalls] {
            do {
                let n = try await s.counter(key)
                if n < 0 { problems.append("meta '\(key)' is negative (\(n))") }
                if key == MetaKey.addCalls { addCalls = n }
            } catch {
                problems.append("\(error)")
            }
        }
        if let stored = try await s.meta(MetaKey.features), stored != layout.version {
            problems.append("meta 'features' is '\(stored)' but this sightline computes '\(layout.version)': the vectors cannot be searched")
        }
        let appearanceModel = try await s.meta(MetaKey.appearanceModel)

        var tracks = 0, withPixels = 0
        var last = ""
        while true {
            let rows = try await s.rows("""
                SELECT \(raw: TrackRow.columns(as: "t")), f.id AS feature_id, f.vector, f.trajectory, f.neighbours, f.size_ratio
                FROM track t LEFT JOIN feature f ON f.id = t.id WHERE t.id > \(last) ORDER BY t.id LIMIT 500
                """)
            guard let lastRow = rows.last else { break }
            for row in rows {
                tracks += 1
                let record = row.record(in: "track", key: "id")
                do {
                    let t = try TrackRow(record)
                    let stored = try t.decoded()
                    if stored.track.cameraKey != t.camera {
                        problems.append("track '\(t.id)': camera '\(t.camera)' but its frames are of \(stored.track.cameraKey)")
                    }
                    if let addCalls, t.ord >> 32 > addCalls {
                        problems.append("track '\(t.id)': ord \(t.ord) is from add call \(t.ord >> 32), after the \(addCalls) recorded in meta 'add_calls'")
                    }
                    if stored.appearance != nil { withPixels += 1 }
                    let feature = row.record(in: "feature", key: "id")
                    if try feature.optionalText("feature_id") != nil {
                        let vector = try feature.blob("vector")
                        if vector.count != layout.dimensions * 8 {
                            problems.append("feature '\(t.id)': vector of \(vector.count) bytes, expected \(layout.dimensions * 8)")
                        }
                        _ = try TrackDetail(stored: stored, trajectory: try feature.optionalText("trajectory"), neighbours: try feature.optionalText("neighbours"),
                                            sizeRatio: try feature.optionalReal("size_ratio"), camera: nil)
                    }
                } catch {
                    problems.append("track '\(record.key)': \(error)")
                }
            }
            guard case let .text(id)? = lastRow.value("id") else { break }
            last = id
        }
        if withPixels > 0 && appearanceModel == nil {
            problems.append("\(withPixels) tracks hold colours and types from pixels but meta 'appearance_model' names no pixel model")
        }
        for row in try await s.rows("SELECT key, context FROM camera ORDER BY key") {
            let record = row.record(in: "camera", key: "key")
            do {
                _ = try RecordJSON.decode(CameraContext.self, try record.text("context"))
            } catch {
                problems.append("camera '\(record.key)': \(error)")
            }
        }
        let counts = try await Self.integrity(s)
        if counts.tracks != tracks { problems.append("\(counts.tracks) track rows counted but \(tracks) read") }
        if counts.tracksWithoutFeatures > 0 { problems.append("\(counts.tracksWithoutFeatures) tracks have no feature row") }
        if counts.featuresWithoutTrack > 0 { problems.append("\(counts.featuresWithoutTrack) feature rows have no track") }
        if counts.inconsistentCameras > 0 { problems.append("\(counts.inconsistentCameras) cameras record a track count their stored tracks disagree with") }
        return (tracks, problems)
    }
}
