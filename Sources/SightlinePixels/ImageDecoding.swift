import CPNG
import CTurboJPEG
import Foundation

/// An 8-bit RGB image with interleaved channels, row-major, no padding.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `width × height × 3` bytes: R, G, B of each pixel.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 3, "RGB image \(width)×\(height) needs \(width * height * 3) bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// Why an image file could not be decoded; each case names the file.
public enum ImageDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case notAnImage(path: String)
    case corrupt(path: String, reason: String)
    /// The header claims more pixels than `ImageSizeLimit` allows; nothing was allocated for them.
    case tooLarge(path: String, width: Int, height: Int)

    public var description: String {
        switch self {
        case let .tooLarge(path, width, height):
            "image \(path) claims \(width)×\(height) pixels; the limit is \(ImageSizeLimit.maxSide) pixels a side "
                + "and \(ImageSizeLimit.maxPixels / 1_000_000) megapixels"
        case let .unreadable(path): "cannot read image \(path): no such file or not readable"
        case let .notAnImage(path): "\(path) is neither a JPEG nor a PNG image"
        case let .corrupt(path, reason): "image \(path) is truncated or corrupt: \(reason)"
        }
    }
}

/// The largest image decoded, checked against the size a header claims before any pixel is
/// allocated, so a crafted header cannot make one decode ask for gigabytes. Camera frames are at
/// most a few megapixels (CityFlow: 1920×1080); 16,384 a side and 100 megapixels (300 MB of RGB)
/// leave room for any real camera. Every decoder of untrusted pixels (JPEG, PNG, video frames) checks here.
public enum ImageSizeLimit {
    public static let maxSide = 16_384
    public static let maxPixels = 100_000_000

    /// Throws `tooLarge` unless `width × height` is within the limit.
    public static func check(width: Int, height: Int, path: String) throws(ImageDecodingError) {
        guard width <= maxSide, height <= maxSide, width * height <= maxPixels else {
            throw .tooLarge(path: path, width: width, height: height)
        }
    }
}

/// JPEG (libjpeg-turbo) and PNG (libpng) decoding to `RGBImage`.
public enum ImageDecoder {
    /// Decodes the JPEG or PNG file at `path`, chosen by its signature.
    public static func decode(path: String) throws -> RGBImage {
        guard let data = FileManager.default.contents(atPath: path) else { throw ImageDecodingError.unreadable(path: path) }
        return try decode([UInt8](data), path: path)
    }

    /// Decodes JPEG or PNG bytes; `path` only labels errors.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws -> RGBImage {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return try decodeJPEG(bytes, path: path) }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return try decodePNG(bytes, path: path) }
        throw ImageDecodingError.notAnImage(path: path)
    }

    private static func decodeJPEG(_ bytes: [UInt8], path: String) throws -> RGBImage {
        guard let handle = tjInitDecompress() else { throw ImageDecodingError.corrupt(path: path, reason: "libjpeg-turbo failed to start") }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourspace: Int32 = 0
        let header = bytes.withUnsafeBufferPointer { b in
            tjDecompressHeader3(handle, b.baseAddress, UInt(b.count), &width, &height, &subsampling, &colourspace)
        }
        guard header == 0, width > 0, height > 0 else {
            throw ImageDecodingError.corrupt(path: path, reason: String(cString: tjGetErrorStr2(handle)))
        }
        try ImageSizeLimit.check(width: Int(width), height: Int(height), path: path)
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * 3)
        let status = bytes.withUnsafeBufferPointer { b in
            pixels.withUnsafeMutableBufferPointer { p in
                tjDecompress2(handle, b.baseAddress, UInt(b.count), p.baseAddress, width, 0, height,
                              Int32(TJPF_RGB.rawValue), Int32(TJFLAG_ACCURATEDCT))
            }
        }
        if status != 0 && tjGetErrorCode(handle) == Int32(TJERR_FATAL.rawValue) {
            throw ImageDecodingError.corrupt(path: path, reason: String(cString: tjGetErrorStr2(handle)))
        }
        if status != 0 {
            throw ImageDecodingError.corrupt(path: path, reason: String(cString: tjGetErrorStr2(handle)))
        }
        return RGBImage(width: Int(width), height: Int(height), pixels: pixels)
    }

    private static func decodePNG(_ bytes: [UInt8], path: String) throws -> RGBImage {
        var image = png_image()
        image.version = UInt32(PNG_IMAGE_VERSION)
        let opened = bytes.withUnsafeBufferPointer { b in png_image_begin_read_from_memory(&image, b.baseAddress, b.count) }
        guard opened != 0 else {
            throw ImageDecodingError.corrupt(path: path, reason: pngMessage(&image))
        }
        defer { png_image_free(&image) }
        image.format = UInt32(PNG_FORMAT_RGB)
        let width = Int(image.width), height = Int(image.height)
        try ImageSizeLimit.check(width: width, height: height, path: path)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let finished = pixels.withUnsafeMutableBufferPointer { p in
            png_image_finish_read(&image, nil, p.baseAddress, Int32(width * 3), nil)
        }
        guard finished != 0 else { throw ImageDecodingError.corrupt(path: path, reason: pngMessage(&image)) }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    private static func pngMessage(_ image: inout png_image) -> String {
        withUnsafeBytes(of: &image.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
