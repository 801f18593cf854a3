import SightlineData
import SightlinePixels

/// The boxes of every track in each frame, so that a vehicle's colour leaves out what a nearer
/// vehicle hides: in an elevated camera's view the nearer of two overlapping vehicles is the one
/// whose box reaches lower in the frame, and it covers the other's lower part.
public struct FrameOccupancy: Sendable {
    private var boxes: [String: [(track: String, box: Box)]] = [:]

    public init(_ tracks: [Track]) {
        for t in tracks {
            for (frame, box) in zip(t.frames, t.boxes) { boxes[frame.path, default: []].append((t.id, box)) }
        }
    }

    /// The parts of crop `rect` (cut from `track`'s `box` in `frame`), in crop coordinates, that
    /// other tracks' boxes reaching lower in the frame cover.
    public func hidden(in rect: PixelRect, track: String, box: Box, frame: FrameRef) -> [PixelRect] {
        let bottom = box.y + box.h
        return (boxes[frame.path] ?? []).compactMap { other in
            guard other.track != track, other.box.y + other.box.h > bottom else { return nil }
            let x0 = Int((other.box.x).rounded(.down)) - rect.x, y0 = Int((other.box.y).rounded(.down)) - rect.y
            let x1 = Int((other.box.x + other.box.w).rounded(.up)) - rect.x, y1 = Int((other.box.y + other.box.h).rounded(.up)) - rect.y
            let cx0 = max(0, x0), cy0 = max(0, y0), cx1 = min(rect.width, x1), cy1 = min(rect.height, y1)
            guard cx0 < cx1, cy0 < cy1 else { return nil }
            return PixelRect(x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0)
        }
    }
}
