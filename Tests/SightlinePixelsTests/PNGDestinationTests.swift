import Foundation
import SightlinePixels
import Testing

/// `writePNG` goes through the atomic writer: symlinks are followed, read-only files refused.
struct PNGDestinationTests {
    let dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-png-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    let image = RGBImage(width: 2, height: 2, pixels: [UInt8](repeating: 200, count: 12))

    @Test func followsASymlink() throws {
        let target = dir.appendingPathComponent("target.png"), link = dir.appendingPathComponent("link.png")
        try Data("old".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: target.path)
        try image.writePNG(to: link.path)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == target.path)
        #expect(try Data(contentsOf: target).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["target.png", "link.png"])
    }

    @Test func refusesAReadOnlyFile() throws {
        let file = dir.appendingPathComponent("ro.png")
        try Data("old".utf8).write(to: file)
        chmod(file.path, 0o444)
        #expect(throws: ImageEncodingError.self) { try image.writePNG(to: file.path) }
        #expect(try Data(contentsOf: file) == Data("old".utf8))
    }
}
