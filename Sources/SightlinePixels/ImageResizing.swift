/// Resampling of `RGBImage`s to a fixed size for network inputs.
extension RGBImage {
    /// Bilinear resize with half-pixel centres (OpenCV / PIL-without-antialias convention).
    public func resizedBilinear(width newWidth: Int, height newHeight: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let sx = Float(width) / Float(newWidth), sy = Float(height) / Float(newHeight)
        for y in 0..<newHeight {
            let fy = max(0, (Float(y) + 0.5) * sy - 0.5)
            let y0 = min(Int(fy), height - 1), y1 = min(y0 + 1, height - 1)
            let wy = fy - Float(y0)
            for x in 0..<newWidth {
                let fx = max(0, (Float(x) + 0.5) * sx - 0.5)
                let x0 = min(Int(fx), width - 1), x1 = min(x0 + 1, width - 1)
                let wx = fx - Float(x0)
                for c in 0..<3 {
                    let p00 = Float(pixels[(y0 * width + x0) * 3 + c]), p01 = Float(pixels[(y0 * width + x1) * 3 + c])
                    let p10 = Float(pixels[(y1 * width + x0) * 3 + c]), p11 = Float(pixels[(y1 * width + x1) * 3 + c])
                    let top = p00 + (p01 - p00) * wx, bottom = p10 + (p11 - p10) * wx
                    out[(y * newWidth + x) * 3 + c] = UInt8(min(max((top + (bottom - top) * wy).rounded(), 0), 255))
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }

    /// Area (box-filter) resize: each output pixel averages the source pixels it covers, weighted by overlap.
    /// Preferred for shrinking, where bilinear aliases.
    public func resizedArea(width newWidth: Int, height newHeight: Int) -> RGBImage {
        var out = [UInt8](repeating: 0, count: newWidth * newHeight * 3)
        let sx = Double(width) / Double(newWidth), sy = Double(height) / Double(newHeight)
        for y in 0..<newHeight {
            let top = Double(y) * sy, bottom = Double(y + 1) * sy
            for x in 0..<newWidth {
                let left = Double(x) * sx, right = Double(x + 1) * sx
                var sum = [0.0, 0.0, 0.0], total = 0.0
                var iy = Int(top)
                while Double(iy) < bottom && iy < height {
                    let wy = min(bottom, Double(iy + 1)) - max(top, Double(iy))
                    var ix = Int(left)
                    while Double(ix) < right && ix < width {
                        let w = wy * (min(right, Double(ix + 1)) - max(left, Double(ix)))
                        for c in 0..<3 { sum[c] += w * Double(pixels[(iy * width + ix) * 3 + c]) }
                        total += w
                        ix += 1
                    }
                    iy += 1
                }
                for c in 0..<3 { out[(y * newWidth + x) * 3 + c] = UInt8(min(max((sum[c] / max(total, 1e-12)).rounded(), 0), 255)) }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }
}
