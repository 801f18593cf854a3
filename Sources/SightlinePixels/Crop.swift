import SightlineData

/// A rectangle of whole pixels; it may reach outside an image (then `RGBImage.cropped` pads).
public struct PixelRect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The part of this rectangle inside a `width × height` image; nil when nothing is inside.
    public func clipped(width w: Int, height h: Int) -> PixelRect? {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(w, x + width), y1 = min(h, y + height)
        guard x1 > x0, y1 > y0 else { return nil }
        return PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }
}

/// How a vehicle box becomes a crop.
public struct CropOptions: Sendable, Equatable {
    /// Scale of the box around its centre (SSM enlarges by 5/3 to keep some context).
    public var enlarge: Double
    /// Pad to a square (the longer side) instead of stretching, as the CVPR 2023 solution does; the
    /// padding outside the frame is black.
    public var squarePad: Bool

    public init(enlarge: Double = 1, squarePad: Bool = false) {
        self.enlarge = enlarge
        self.squarePad = squarePad
    }

    /// SSM's crops: 5/3 of the box, clipped to the frame.
    public static let ssm = CropOptions(enlarge: 5.0 / 3.0)

    /// The pixel rectangle to cut for a box `[x, y, w, h]` from a `frameWidth × frameHeight` frame:
    /// clipped to the frame unless `squarePad`, which keeps the square and pads.
    public func rect(x: Double, y: Double, w: Double, h: Double, frameWidth: Int, frameHeight: Int) -> PixelRect? {
        var cw = w * enlarge, ch = h * enlarge
        if squarePad { cw = max(cw, ch); ch = cw }
        let cx = x + w / 2, cy = y + h / 2
        let r = PixelRect(x: Int(clamping: (cx - cw / 2).rounded()), y: Int(clamping: (cy - ch / 2).rounded()),
                          width: max(1, Int(clamping: cw.rounded())), height: max(1, Int(clamping: ch.rounded())))
        if squarePad { return r.clipped(width: frameWidth, height: frameHeight) == nil ? nil : r }
        return r.clipped(width: frameWidth, height: frameHeight)
    }
}

extension RGBImage {
    /// The pixels of `rect`; parts outside the image are black.
    public func cropped(_ rect: PixelRect) -> RGBImage {
        var out = [UInt8](repeating: 0, count: rect.width * rect.height * 3)
        if let inside = rect.clipped(width: width, height: height) {
            let rowBytes = inside.width * 3
            for row in 0..<inside.height {
                let src = ((inside.y + row) * width + inside.x) * 3
                let dst = ((inside.y - rect.y + row) * rect.width + (inside.x - rect.x)) * 3
                out.replaceSubrange(dst..<dst + rowBytes, with: pixels[src..<src + rowBytes])
            }
        }
        return RGBImage(width: rect.width, height: rect.height, pixels: out)
    }

    /// The image centred on a black square of side max(width, height).
    public func paddedToSquare() -> RGBImage {
        let side = max(width, height)
        return cropped(PixelRect(x: -(side - width) / 2, y: -(side - height) / 2, width: side, height: side))
    }

    /// Copies `image` onto this one with its top-left corner at (`x`, `y`), dropping what falls outside.
    public mutating func paste(_ image: RGBImage, x: Int, y: Int) {
        guard let inside = PixelRect(x: x, y: y, width: image.width, height: image.height).clipped(width: width, height: height) else { return }
        let rowBytes = inside.width * 3
        for row in 0..<inside.height {
            let src = ((inside.y - y + row) * image.width + (inside.x - x)) * 3
            let dst = ((inside.y + row) * width + inside.x) * 3
            pixels.replaceSubrange(dst..<dst + rowBytes, with: image.pixels[src..<src + rowBytes])
        }
    }
}

/// Picks which frames of a long track to look at.
public enum FrameSampling {
    /// Up to `limit` indices into `0..<count`, evenly spaced and including both ends.
    public static func evenlySpaced(count: Int, limit: Int) -> [Int] {
        guard count > 0, limit > 0 else { return [] }
        guard count > limit else { return Array(0..<count) }
        guard limit > 1 else { return [count / 2] }
        return (0..<limit).map { Int((Double($0) * Double(count - 1) / Double(limit - 1)).rounded()) }
    }
}
