import CPNG
import Foundation
import SightlineData

/// Why an image could not be written.
public enum ImageEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case encodingFailed(path: String, reason: String)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .encodingFailed(path, reason): "cannot encode PNG \(path): \(reason)"
        case let .unwritable(path, reason): "cannot write \(path): \(reason)"
        }
    }
}

extension RGBImage {
    /// PNG bytes of this image (libpng's simplified API).
    public func pngData(path: String = "<memory>") throws(ImageEncodingError) -> [UInt8] {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        let sized = pixels.withUnsafeBufferPointer { p in
            png_image_write_to_memory(&image, nil, &size, 0, p.baseAddress, Int32(width * 3), nil)
        }
        guard sized != 0, size > 0 else { throw .encodingFailed(path: path, reason: "libpng could not size the output") }
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBufferPointer { o in
            pixels.withUnsafeBufferPointer { p in
                png_image_write_to_memory(&image, o.baseAddress, &size, 0, p.baseAddress, Int32(width * 3), nil)
            }
        }
        guard written != 0 else { throw .encodingFailed(path: path, reason: "libpng failed") }
        return Array(out.prefix(size))
    }

    /// Writes a PNG file through `AtomicFile` (temporary file, then rename; symlinks followed,
    /// read-only files refused, devices and FIFOs written straight through).
    public func writePNG(to path: String) throws(ImageEncodingError) {
        let bytes = try pngData(path: path)
        do {
            try AtomicFile.write(Data(bytes), to: URL(fileURLWithPath: path))
        } catch {
            guard case let .unwritable(_, reason) = error else { throw .unwritable(path: path, reason: error.description) }
            throw .unwritable(path: path, reason: reason)
        }
    }
}
