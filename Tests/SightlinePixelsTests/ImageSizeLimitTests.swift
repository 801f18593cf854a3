import Foundation
@testable import SightlinePixels
import SightlineTestSupport
import Testing

/// Headers that claim more pixels than `ImageSizeLimit` are refused before any pixel is allocated.
@Suite struct ImageSizeLimitTests {
    let dir = TemporaryDirectory(prefix: "sightline-pixels")

    /// A small JPEG whose SOF header is rewritten to claim `width × height`.
    static func jpeg(claiming width: Int, _ height: Int) throws -> [UInt8] {
        var bytes = SampleImages.jpeg(SampleImages.gradient(width: 16, height: 16))
        let sof = try #require(bytes.indices.dropLast().first { bytes[$0] == 0xFF && (0xC0...0xC2).contains(bytes[$0 + 1]) })
        bytes[sof + 5] = UInt8(height >> 8); bytes[sof + 6] = UInt8(height & 0xFF)
        bytes[sof + 7] = UInt8(width >> 8); bytes[sof + 8] = UInt8(width & 0xFF)
        return bytes
    }

    /// A PNG of an IHDR claiming `width × height` (8-bit RGB) and an empty zlib stream of image data.
    static func png(claiming width: UInt32, _ height: UInt32) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
        }
        let header = bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header)
            + chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) + chunk("IEND", [])
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    @Test(arguments: [(65_500, 65_500), (16_385, 16), (16, 16_385), (16_384, 6_104)])
    func hugeJPEGHeaderIsRefusedNamingPathAndSize(width: Int, height: Int) throws {
        let path = try dir.write("huge.jpg", bytes: try Self.jpeg(claiming: width, height)).path
        #expect(throws: ImageDecodingError.tooLarge(path: path, width: width, height: height)) { try ImageDecoder.decode(path: path) }
    }

    @Test(arguments: [(65_500, 65_500), (16_385, 16), (16_384, 6_104)] as [(UInt32, UInt32)])
    func hugePNGHeaderIsRefusedNamingPathAndSize(width: UInt32, height: UInt32) throws {
        let path = try dir.write("huge.png", bytes: Self.png(claiming: width, height)).path
        #expect(throws: ImageDecodingError.tooLarge(path: path, width: Int(width), height: Int(height))) { try ImageDecoder.decode(path: path) }
    }

    @Test func theMessageNamesPathClaimAndLimit() {
        let message = ImageDecodingError.tooLarge(path: "/f/x.jpg", width: 65_500, height: 65_500).description
        #expect(message == "image /f/x.jpg claims 65500×65500 pixels; the limit is 16384 pixels a side and 100 megapixels")
    }

    /// A claim within the limit is decoded as usual: here the missing pixel data makes it corrupt, not too large.
    @Test func aClaimWithinTheLimitIsDecoded() throws {
        #expect(throws: ImageDecodingError.self) { try ImageDecoder.decode(Self.png(claiming: 16_384, 16)) }
        do { _ = try ImageDecoder.decode(Self.png(claiming: 16_384, 16)) } catch let error as ImageDecodingError {
            guard case .corrupt = error else { Issue.record("got \(error)"); return }
        }
        let image = try ImageDecoder.decode(SampleImages.png(SampleImages.gradient(width: 16_384, height: 2)))
        #expect(image.width == 16_384 && image.height == 2)
    }
}
