import CPNG
import CTurboJPEG
import Foundation
@testable import SightlinePixels
import SightlineTestSupport
import Testing

/// Writes small images with libpng / libjpeg-turbo themselves and decodes them back.
enum SampleImages {
    static func gradient(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                pixels[(y * width + x) * 3] = UInt8(x * 255 / max(width - 1, 1))
                pixels[(y * width + x) * 3 + 1] = UInt8(y * 255 / max(height - 1, 1))
                pixels[(y * width + x) * 3 + 2] = 128
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func png(_ image: RGBImage) -> [UInt8] {
        var png = png_image()
        png.version = UInt32(PNG_IMAGE_VERSION)
        png.width = UInt32(image.width)
        png.height = UInt32(image.height)
        png.format = UInt32(PNG_FORMAT_RGB)
        var size = 0
        _ = image.pixels.withUnsafeBufferPointer { p in
            png_image_write_to_memory(&png, nil, &size, 0, p.baseAddress, Int32(image.width * 3), nil)
        }
        var bytes = [UInt8](repeating: 0, count: size)
        _ = image.pixels.withUnsafeBufferPointer { p in
            bytes.withUnsafeMutableBufferPointer { out in
                png_image_write_to_memory(&png, out.baseAddress, &size, 0, p.baseAddress, Int32(image.width * 3), nil)
            }
        }
        return Array(bytes.prefix(size))
    }

    static func jpeg(_ image: RGBImage, quality: Int32 = 95) -> [UInt8] {
        let handle = tjInitCompress()
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        _ = image.pixels.withUnsafeBufferPointer { p in
            tjCompress2(handle, p.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                        &buffer, &size, Int32(TJSAMP_444.rawValue), quality, 0)
        }
        defer { tjFree(buffer) }
        guard let buffer else { return [] }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

}

@Suite struct ImageDecodingTests {
    let dir = TemporaryDirectory(prefix: "sightline-pixels")

    @Test func pngRoundTripsExactly() throws {
        let image = SampleImages.gradient(width: 17, height: 9)
        let path = try dir.write("g.png", bytes: SampleImages.png(image)).path
        #expect(try ImageDecoder.decode(path: path) == image)
    }

    @Test func jpegDecodesCloseToSource() throws {
        let image = SampleImages.gradient(width: 32, height: 24)
        let decoded = try ImageDecoder.decode(SampleImages.jpeg(image))
        #expect(decoded.width == 32 && decoded.height == 24)
        let worst = zip(decoded.pixels, image.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
        #expect(worst <= 8)
    }

    @Test func missingFileNamesThePath() {
        #expect(throws: ImageDecodingError.unreadable(path: "/nonexistent/x.jpg")) {
            try ImageDecoder.decode(path: "/nonexistent/x.jpg")
        }
    }

    @Test func nonImageIsRejected() throws {
        let path = try dir.write("notes.jpg", bytes: Array("hello, not an image".utf8)).path
        #expect(throws: ImageDecodingError.notAnImage(path: path)) { try ImageDecoder.decode(path: path) }
    }

    @Test(arguments: ["png", "jpg"]) func truncatedFileThrowsCorrupt(kind: String) throws {
        let image = SampleImages.gradient(width: 40, height: 30)
        let bytes = kind == "png" ? SampleImages.png(image) : SampleImages.jpeg(image)
        let path = try dir.write("cut.\(kind)", bytes: Array(bytes.prefix(bytes.count / 3))).path
        do {
            _ = try ImageDecoder.decode(path: path)
            Issue.record("truncated \(kind) decoded without error")
        } catch let error as ImageDecodingError {
            guard case let .corrupt(errorPath, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(errorPath == path)
        }
    }
}

@Suite struct ImageResizingTests {
    @Test func bilinearKeepsConstantImageConstant() {
        let image = RGBImage(width: 5, height: 7, pixels: [UInt8](repeating: 77, count: 5 * 7 * 3))
        let resized = image.resizedBilinear(width: 11, height: 3)
        #expect(resized.width == 11 && resized.height == 3)
        #expect(resized.pixels.allSatisfy { $0 == 77 })
    }

    @Test func areaAveragesBlocks() {
        let pixels: [UInt8] = [0, 0, 0, 100, 100, 100, 200, 200, 200, 60, 60, 60]
        let image = RGBImage(width: 2, height: 2, pixels: pixels)
        let resized = image.resizedArea(width: 1, height: 1)
        #expect(resized.pixels == [90, 90, 90])
    }

    @Test func bilinearIdentityAtSameSize() {
        let image = SampleImages.gradient(width: 8, height: 6)
        #expect(image.resizedBilinear(width: 8, height: 6) == image)
    }
}
