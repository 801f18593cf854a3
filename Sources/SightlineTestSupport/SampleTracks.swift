import Foundation
import SightlineData

/// Small synthetic tracks for tests that need no real data.
public enum SampleTracks {
    /// Frames 1...`count` of `camera` in scene S01, as `S01/<camera>/img1/000001.jpg`.
    public static func frames(_ camera: String, _ count: Int) -> [FrameRef] {
        (1...count).map { FrameRef(path: "S01/\(camera)/img1/\(String(format: "%06d", $0)).jpg", scene: "S01", camera: camera, frame: $0) }
    }

    /// A left turn on c001 (described as a red sedan), a straight drive on c002 and a stop on c002.
    public static let turnStraightStop: [Track] = [
        Track(id: "left", frames: frames("c001", 5),
              boxes: [Box(x: 500, y: 900, w: 40, h: 40), Box(x: 500, y: 700, w: 40, h: 40), Box(x: 500, y: 500, w: 40, h: 40),
                      Box(x: 300, y: 500, w: 40, h: 40), Box(x: 100, y: 500, w: 40, h: 40)],
              nl: ["A red sedan turns left."]),
        Track(id: "straight", frames: frames("c002", 4),
              boxes: [Box(x: 500, y: 900, w: 40, h: 40), Box(x: 500, y: 700, w: 40, h: 40), Box(x: 500, y: 500, w: 40, h: 40),
                      Box(x: 500, y: 300, w: 40, h: 40)]),
        Track(id: "stopped", frames: frames("c002", 20),
              boxes: (0..<20).map { i in Box(x: 800, y: 600 - Double(min(i, 3)) * 30, w: 60, h: 50) }),
    ]
}
