/// An axis-aligned box in pixels: top-left corner and size.
public struct Box: Sendable, Hashable, Codable {
    public var x: Double
    public var y: Double
    public var w: Double
    public var h: Double

    public init(x: Double, y: Double, w: Double, h: Double) {
        self.x = x
        self.y = y
        self.w = w
        self.h = h
    }

    /// The largest |x| and |y| a track file may hold, in pixels: far beyond any camera image
    /// (tens of thousands of pixels at most), small enough that sums, squares and areas of
    /// coordinates stay finite.
    public static let coordinateLimit = 100_000.0
    /// The largest width and height a track file may hold, in pixels; sizes must also be positive.
    public static let sizeLimit = 100_000.0

    public var centerX: Double { x + w / 2 }
    public var centerY: Double { y + h / 2 }
    public var area: Double { w * h }

    /// Intersection over union; 0 for disjoint boxes.
    public func iou(_ other: Box) -> Double {
        let ix = max(0, min(x + w, other.x + other.w) - max(x, other.x))
        let iy = max(0, min(y + h, other.y + other.h) - max(y, other.y))
        let inter = ix * iy
        let union = area + other.area - inter
        return union > 0 ? inter / union : 0
    }
}

/// A vehicle seen by one fixed camera: one box per frame, and the descriptions when known.
public struct Track: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var frames: [FrameRef]
    public var boxes: [Box]
    /// The three descriptions of this view (empty for test tracks).
    public var nl: [String]
    /// Descriptions of the same vehicle written from other cameras' views.
    public var otherViews: [String]

    public init(id: String, frames: [FrameRef], boxes: [Box], nl: [String] = [], otherViews: [String] = []) {
        self.id = id
        self.frames = frames
        self.boxes = boxes
        self.nl = nl
        self.otherViews = otherViews
    }

    public var scene: String { frames.first?.scene ?? "" }
    public var camera: String { frames.first?.camera ?? "" }
    /// Scene and camera, e.g. "S01/c003": camera names repeat across scenes in some releases.
    public var cameraKey: String { "\(scene)/\(camera)" }
    public var firstFrame: Int { frames.first?.frame ?? 0 }
    public var lastFrame: Int { frames.last?.frame ?? 0 }
}

/// A natural-language query: usually the three descriptions of one target vehicle.
public struct QueryRecord: Sendable, Hashable, Codable, Identifiable {
    public var id: String
    public var nl: [String]
    public var otherViews: [String]

    public init(id: String, nl: [String], otherViews: [String] = []) {
        self.id = id
        self.nl = nl
        self.otherViews = otherViews
    }
}
