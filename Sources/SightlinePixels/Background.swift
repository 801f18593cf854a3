/// A camera's empty scene, estimated from its frames: vehicles move, the road stays.
public enum Background {
    /// How frames are combined per pixel.
    public enum Method: String, Sendable, CaseIterable {
        /// Per-pixel mean (SSM); cheap, leaves faint ghosts of vehicles.
        case mean
        /// Per-pixel median; removes vehicles that cover a pixel in under half of the frames.
        case median
    }

    /// Combines same-sized frames; nil when `frames` is empty or the sizes differ.
    public static func estimate(_ frames: [RGBImage], method: Method = .mean) -> RGBImage? {
        guard let first = frames.first, frames.allSatisfy({ $0.width == first.width && $0.height == first.height }) else { return nil }
        let n = first.pixels.count
        var out = [UInt8](repeating: 0, count: n)
        switch method {
        case .mean:
            var sums = [UInt32](repeating: 0, count: n)
            for f in frames {
                f.pixels.withUnsafeBufferPointer { p in
                    for i in 0..<n { sums[i] &+= UInt32(p[i]) }
                }
            }
            let count = UInt32(frames.count)
            for i in 0..<n { out[i] = UInt8((sums[i] + count / 2) / count) }
        case .median:
            var column = [UInt8](repeating: 0, count: frames.count)
            for i in 0..<n {
                for (k, f) in frames.enumerated() { column[k] = f.pixels[i] }
                column.sort()
                out[i] = column[column.count / 2]
            }
        }
        return RGBImage(width: first.width, height: first.height, pixels: out)
    }
}
