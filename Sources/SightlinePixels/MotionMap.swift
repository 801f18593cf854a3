/// SSM's motion map: the vehicle's crops pasted along its path on the camera background, so one
/// image shows where it came from, where it went and what surrounds it.
public enum MotionMap {
    /// Indices of the boxes to paste: the first, then each box whose IoU with the last pasted one
    /// is at most `maxIoU` (SSM uses 0.05), so crops do not hide each other.
    public static func selectBoxes(_ boxes: [PixelRect], maxIoU: Double = 0.05) -> [Int] {
        guard let first = boxes.first else { return [] }
        var chosen = [0]
        var last = first
        for (i, b) in boxes.enumerated().dropFirst() where iou(b, last) <= maxIoU {
            chosen.append(i)
            last = b
        }
        return chosen
    }

    /// Intersection over union of two pixel rectangles.
    public static func iou(_ a: PixelRect, _ b: PixelRect) -> Double {
        let ix = max(0, min(a.x + a.width, b.x + b.width) - max(a.x, b.x))
        let iy = max(0, min(a.y + a.height, b.y + b.height) - max(a.y, b.y))
        let inter = Double(ix * iy)
        let union = Double(a.width * a.height + b.width * b.height) - inter
        return union > 0 ? inter / union : 0
    }

    /// Pastes `crops` (already cut from their frames at `boxes`) onto `background` at their boxes.
    public static func render(background: RGBImage, crops: [(box: PixelRect, image: RGBImage)]) -> RGBImage {
        var canvas = background
        for c in crops { canvas.paste(c.image, x: c.box.x, y: c.box.y) }
        return canvas
    }
}
