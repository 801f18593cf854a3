import Foundation
import SightlineData

/// What all tracks of one camera say about its usual traffic, learned without labels: where boxes
/// sit and how big they are (to normalise tracks per camera), the mean direction of travel in each
/// cell of a coarse grid over the image (the camera's dominant flows), and the share of still
/// frames per cell (where vehicles wait). A track that leaves the usual flow is turning.
public struct CameraFlow: Sendable, Equatable, Codable {
    /// Cells per side of the grid over the boxes' extent.
    public static let grid = 6

    public var camera: String
    /// Mean and spread of the box centres, in pixels.
    public var meanX: Double, meanY: Double, spreadX: Double, spreadY: Double
    /// Median box width and height, in pixels.
    public var medianWidth: Double, medianHeight: Double
    /// Bounds of the grid: the extent of the box centres.
    public var minX: Double, minY: Double, maxX: Double, maxY: Double
    /// Mean unit heading (x, y) per cell, row-major over `grid × grid`; (0, 0) where nothing moved.
    public var flowX: [Double], flowY: [Double]
    /// Share of frames in each cell whose box stood still.
    public var stillShare: [Double]

    /// The flow of every camera, keyed by `Track.cameraKey`.
    public static func flows(of tracks: [Track]) -> [String: CameraFlow] {
        Dictionary(grouping: tracks, by: \.cameraKey).mapValues { CameraFlow(camera: $0[0].cameraKey, tracks: $0) }
    }

    /// The flow of one camera from its tracks.
    public init(camera: String, tracks: [Track]) {
        self.camera = camera
        let boxes = tracks.flatMap(\.boxes)
        let xs = boxes.map(\.centerX), ys = boxes.map(\.centerY)
        let count = Double(max(boxes.count, 1))
        meanX = xs.reduce(0, +) / count
        meanY = ys.reduce(0, +) / count
        let mx = meanX, my = meanY
        spreadX = max((xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) } / count).squareRoot(), 1)
        spreadY = max((ys.reduce(0) { $0 + ($1 - my) * ($1 - my) } / count).squareRoot(), 1)
        medianWidth = max(TrackAnalysis.median(boxes.map(\.w)), 1)
        medianHeight = max(TrackAnalysis.median(boxes.map(\.h)), 1)
        let (x0, y0) = (xs.min() ?? 0, ys.min() ?? 0)
        let (x1, y1) = (max(xs.max() ?? 1, x0 + 1), max(ys.max() ?? 1, y0 + 1))
        (minX, minY, maxX, maxY) = (x0, y0, x1, y1)
        let cells = Self.grid * Self.grid
        var sumX = [Double](repeating: 0, count: cells), sumY = sumX, still = sumX, frames = sumX
        for track in tracks {
            let motion = TrackMotion(boxes: track.boxes)
            for (i, box) in track.boxes.enumerated() {
                let cell = Self.cell(x: box.centerX, y: box.centerY, minX: x0, minY: y0, maxX: x1, maxY: y1)
                frames[cell] += 1
                if motion.still[i] { still[cell] += 1 } else {
                    sumX[cell] += motion.headingX[i]
                    sumY[cell] += motion.headingY[i]
                }
            }
        }
        let norms = (0..<cells).map { (sumX[$0] * sumX[$0] + sumY[$0] * sumY[$0]).squareRoot() }
        flowX = (0..<cells).map { norms[$0] > 0 ? sumX[$0] / norms[$0] : 0 }
        flowY = (0..<cells).map { norms[$0] > 0 ? sumY[$0] / norms[$0] : 0 }
        stillShare = (0..<cells).map { frames[$0] > 0 ? still[$0] / frames[$0] : 0 }
    }

    /// The grid cell holding a point, clamped to the grid.
    public func cell(x: Double, y: Double) -> Int {
        Self.cell(x: x, y: y, minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    static func cell(x: Double, y: Double, minX: Double, minY: Double, maxX: Double, maxY: Double) -> Int {
        let g = Double(grid)
        let column = Int(clamping: Int(min(max((x - minX) / (maxX - minX) * g, 0), g - 1)))
        let row = Int(clamping: Int(min(max((y - minY) / (maxY - minY) * g, 0), g - 1)))
        return row * grid + column
    }
}

/// Per-frame motion of a track's box centre: a unit heading over a short window, whether the box
/// stood still, and the speed in box heights per frame.
public struct TrackMotion: Sendable, Equatable {
    public var headingX: [Double], headingY: [Double]
    public var speed: [Double]
    public var still: [Bool]

    /// Frames on each side over which the heading is measured.
    public static let window = 4

    public init(boxes: [Box], options: TrajectoryOptions = .init()) {
        let n = boxes.count
        headingX = [Double](repeating: 0, count: n)
        headingY = headingX
        speed = headingX
        still = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let a = boxes[max(0, i - Self.window)], b = boxes[min(n - 1, i + Self.window)]
            let dx = b.centerX - a.centerX, dy = b.centerY - a.centerY
            let frames = Double(max(min(n - 1, i + Self.window) - max(0, i - Self.window), 1))
            let distance = (dx * dx + dy * dy).squareRoot()
            let height = max(boxes[i].h, 1)
            speed[i] = distance / frames / height
            let tolerance = max(options.stillPixels, options.stillShareOfHeight * height)
            still[i] = distance / frames < tolerance
            if distance > 0 {
                headingX[i] = dx / distance
                headingY[i] = dy / distance
            }
        }
    }
}
