import Foundation
import SightlineData
import SightlineLanguage
import SightlineRanking
import SightlineTracks

/// A track as the index stores it: the track itself, where its frames live, what its pixels
/// said, and its place in gallery order (`ord`: ties in a ranking go to the lower ord).
public struct StoredTrack: Sendable, Equatable {
    public var track: Track
    public var ord: Int64
    public var framesRoot: String?
    public var appearance: TrackAppearance?
}

/// One row of the `track` table.
struct TrackRow: Sendable {
    var id: String
    var ord: Int64
    var camera: String
    var framesRoot: String?
    var frameCount: Int
    var frames: Data
    var boxes: Data
    var nl: String
    var otherViews: String
    var appearance: String?

    init(_ s: StoredTrack) throws(IndexError) {
        id = s.track.id
        ord = s.ord
        camera = s.track.cameraKey
        framesRoot = s.framesRoot
        frameCount = s.track.frames.count
        frames = TrackCodec.encodeFrames(s.track.frames)
        boxes = TrackCodec.encodeBoxes(s.track.boxes)
        nl = try RecordJSON.encode(s.track.nl)
        otherViews = try RecordJSON.encode(s.track.otherViews)
        appearance = try s.appearance.map { a throws(IndexError) in try RecordJSON.encode(a) }
    }

    init(id: String, ord: Int64, camera: String, framesRoot: String?, frameCount: Int, frames: Data, boxes: Data,
         nl: String, otherViews: String, appearance: String?) {
        self.id = id
        self.ord = ord
        self.camera = camera
        self.framesRoot = framesRoot
        self.frameCount = frameCount
        self.frames = frames
        self.boxes = boxes
        self.nl = nl
        self.otherViews = otherViews
        self.appearance = appearance
    }

    /// The stored track, or `IndexError.malformed` naming the track and the column that is damaged.
    /// Whatever the stored bytes claim, decoding allocates only what they hold and never traps.
    func decoded() throws(IndexError) -> StoredTrack {
        let refs = try field("frames") { () throws(IndexError) in try TrackCodec.decodeFrames(frames) }
        let boxList = try field("boxes") { () throws(IndexError) in try TrackCodec.decodeBoxes(boxes) }
        guard !refs.isEmpty else { throw malformed("frames", "holds no frames") }
        guard refs.count == boxList.count else { throw malformed("boxes", "holds \(boxList.count) boxes for \(refs.count) frames") }
        guard refs.count == frameCount else { throw malformed("frame_count", "is \(frameCount) but the track has \(refs.count) frames") }
        let track = Track(id: id, frames: refs, boxes: boxList,
                          nl: try field("nl") { () throws(IndexError) in try RecordJSON.decode([String].self, nl) },
                          otherViews: try field("other_views") { () throws(IndexError) in try RecordJSON.decode([String].self, otherViews) })
        let look = try field("appearance") { () throws(IndexError) in
            try appearance.map { a throws(IndexError) in try RecordJSON.decode(TrackAppearance.self, a) }
        }
        return StoredTrack(track: track, ord: ord, framesRoot: framesRoot, appearance: look)
    }

    private func malformed(_ column: String, _ detail: String) -> IndexError {
        .malformed(table: "track", key: id, column: column, detail: detail)
    }

    /// Runs one column's decoder, naming the track and column when the stored value is corrupt.
    private func field<T>(_ column: String, _ decode: () throws(IndexError) -> T) throws(IndexError) -> T {
        do throws(IndexError) { return try decode() } catch { throw error.located(table: "track", key: id, column: column) }
    }
}

/// One row of the `feature` table: what ranking reads about a track, computed from the
/// track and the other tracks of its camera.
struct FeatureRow: Sendable {
    var id: String
    var vector: Data
    /// The trajectory without its per-frame speed profile (recomputable from the boxes).
    var trajectory: String
    var neighbours: String
    var sizeRatio: Double
    /// The most likely colour and body type from pixels (raw values), for filters.
    var colour: String?
    var type: String?
}

/// One row of the `camera` table.
struct CameraRow: Sendable {
    var key: String
    var tracks: Int
    var context: String
}

/// What a search needs to explain one hit: the track and everything its terms' reasons read.
public struct TrackDetail: Sendable {
    public var track: Track
    public var trajectory: Trajectory?
    public var neighbours: [Neighbour]
    public var sizeRatio: Double
    public var camera: CameraContext?
    public var appearance: TrackAppearance?
}

/// Counts that describe an index.
public struct IndexStats: Sendable, Equatable, Codable {
    public var location: String
    public var backend: String
    public var tracks: Int
    public var cameras: Int
    public var frames: Int
    public var tracksWithPixels: Int
    public var featureVersion: String?
    public var currentFeatureVersion: String
    public var appearanceModel: String?
    public var generation: Int64
    public var framesRoots: [String]
}

/// Whether every stored track is whole: a track row with its feature row and camera counts that
/// match the stored tracks.
public struct IntegrityReport: Sendable, Equatable, Codable {
    public var tracks: Int
    public var tracksWithoutFeatures: Int
    public var featuresWithoutTrack: Int
    /// Cameras whose recorded track count differs from their stored tracks, or tracks whose camera has no row.
    public var inconsistentCameras: Int
    public var isWhole: Bool { tracksWithoutFeatures == 0 && featuresWithoutTrack == 0 && inconsistentCameras == 0 }
}

/// What `add` did.
public struct AddReport: Sendable, Equatable {
    public var added: Int
    public var updated: Int
    /// Tracks of the touched cameras whose features were recomputed (the added ones included).
    public var recomputed: Int
    public var cameras: Int
}

/// How to add tracks.
public struct AddOptions: Sendable {
    /// Colour, type and embedding per track id, from pixels; tracks without an entry have none.
    public var appearance: [String: TrackAppearance]
    /// Names the pixel model and settings that produced `appearance`; nil without pixels.
    public var appearanceModel: String?
    /// The folder the tracks' frame paths are relative to.
    public var framesRoot: String?
    /// Tracks per transaction (a camera's tracks always share one).
    public var batchSize: Int
    /// Called after each committed transaction with (tracks done, total).
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(appearance: [String: TrackAppearance] = [:], appearanceModel: String? = nil, framesRoot: String? = nil,
                batchSize: Int = 2000, progress: (@Sendable (Int, Int) -> Void)? = nil) {
        self.appearance = appearance
        self.appearanceModel = appearanceModel
        self.framesRoot = framesRoot
        self.batchSize = max(1, batchSize)
        self.progress = progress
    }
}

/// The JSON text of stored records. Non-finite numbers, which plain JSON cannot hold, are
/// written as the strings "inf", "-inf" and "nan" and read back as numbers.
enum RecordJSON {
    static func encode<T: Encodable>(_ value: T) throws(IndexError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch {
            throw .unencodable(record: "\(T.self)", detail: "\(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws(IndexError) -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            try JSON.checkBeforeDecoding(Array(text.utf8))
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw .corrupt("\(T.self): \(error)")
        }
    }
}
