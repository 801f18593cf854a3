import Foundation

/// The columns of each table as the index writes and reads them.
extension TrackRow {
    static let columns = ["id", "ord", "camera", "frames_root", "frame_count", "frames", "boxes", "nl", "other_views", "appearance"]

    /// The columns qualified by `alias`, for joins.
    static func columns(as alias: String) -> String { columns.map { "\(alias).\($0)" }.joined(separator: ", ") }

    init(_ r: StoredRecord) throws(IndexError) {
        self.init(id: try r.text("id"), ord: try r.integer("ord"), camera: try r.text("camera"), framesRoot: try r.optionalText("frames_root"),
                  frameCount: Int(try r.integer("frame_count")), frames: try r.blob("frames"), boxes: try r.blob("boxes"),
                  nl: try r.text("nl"), otherViews: try r.text("other_views"), appearance: try r.optionalText("appearance"))
    }

    var values: [SQLValue] {
        [.text(id), .integer(ord), .text(camera), framesRoot.sqlValue, .integer(Int64(frameCount)), .blob(frames), .blob(boxes),
         .text(nl), .text(otherViews), appearance.sqlValue]
    }
}

extension FeatureRow {
    static let columns = ["id", "vector", "trajectory", "neighbours", "size_ratio", "colour", "type"]

    var values: [SQLValue] {
        [.text(id), .blob(vector), .text(trajectory), .text(neighbours), .real(sizeRatio), colour.sqlValue, type.sqlValue]
    }
}

extension CameraRow {
    static let columns = ["key", "tracks", "context"]

    var values: [SQLValue] { [.text(key), .integer(Int64(tracks)), .text(context)] }
}
