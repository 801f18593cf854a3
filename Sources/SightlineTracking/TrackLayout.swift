import Foundation
import SightlineData

/// Where a camera's tracks go in the CityFlow-NL layout, so that every command reading track
/// files reads a tracker's output: frame N is `<scene>/<camera>/img1/<N, six digits>.jpg`,
/// numbered from 1 as CityFlow's frame extraction numbers them, and each track gets a UUID.
public struct TrackLayout: Sendable, Hashable {
    /// Scene and camera, e.g. `S01/c003`, or a folder path ending in them.
    public let camera: String
    public let sceneName: String, cameraName: String

    /// Nil unless `camera` ends in a scene folder (`S..`) and a camera folder (`c...`).
    public init?(camera: String) {
        var trimmed = Substring(camera)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard !trimmed.isEmpty, let ref = FrameRef(path: "\(trimmed)/img1/000001.jpg"),
              trimmed == "\(ref.scene)/\(ref.camera)" || trimmed.hasSuffix("/\(ref.scene)/\(ref.camera)") else { return nil }
        self.camera = String(trimmed)
        sceneName = ref.scene
        cameraName = ref.camera
    }

    /// The CityFlow path of frame `frame` (from 1).
    public func framePath(_ frame: Int) -> String {
        "\(camera)/img1/\(String(format: "%06d", frame)).jpg"
    }

    /// The tracks as CityFlow-NL tracks with boxes `[x, y, w, h]`. Each id is a UUID derived
    /// from the camera, the track's first frame, its number and `seed`, so the same detections
    /// give the same file on every run; another seed gives other ids.
    public func tracks(_ tracks: [ByteTracker.FrameTrack], seed: UInt64 = 0) -> [Track] {
        tracks.map { t in
            let frames = t.frames.map { FrameRef(path: framePath($0), scene: sceneName, camera: cameraName, frame: $0) }
            return Track(id: uuid(firstFrame: t.firstFrame, number: t.number, seed: seed), frames: frames, boxes: t.boxes)
        }
    }

    /// A version-8 (custom) UUID from 128 bits of a hash of the camera, frame, number and seed.
    func uuid(firstFrame: Int, number: Int, seed: UInt64) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "\(camera)|\(firstFrame)|\(number)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        var generator = SplitMix64(seed: hash ^ seed)
        let high = (generator.next() & ~0xF000) | 0x8000
        let low = (generator.next() & ~(0xC << 60)) | (0x8 << 60)
        let hex = String(format: "%016llx%016llx", high, low)
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }
}

/// Tracks in the MOTChallenge result format `frame, id, left, top, width, height, score, -1, -1, -1`,
/// the file that MOT scorers (motmetrics, TrackEval) read; rows by frame, then id.
public enum MOTResults {
    /// The file's text; an interpolated box's score is -1.
    public static func text(_ tracks: [ByteTracker.FrameTrack]) -> String {
        var rows: [(frame: Int, id: Int, line: String)] = []
        for t in tracks {
            for (k, (box, score)) in zip(t.boxes, t.scores).enumerated() {
                let frame = t.firstFrame + k
                let s = score.map { String(format: "%.4f", $0) } ?? "-1"
                rows.append((frame, t.number, String(format: "%d,%d,%.2f,%.2f,%.2f,%.2f,", frame, t.number, box.x, box.y, box.w, box.h) + s + ",-1,-1,-1"))
            }
        }
        return rows.sorted { ($0.frame, $0.id) < ($1.frame, $1.id) }.map { $0.line + "\n" }.joined()
    }
}
