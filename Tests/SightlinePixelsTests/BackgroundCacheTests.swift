import Foundation
import SightlineData
import SightlinePixels
import SightlineTestSupport
import Testing

/// Backgrounds are cached per camera and frames root: two videos ingested under one camera name
/// (or a CityFlow camera and a video named like it) each get their own.
@Suite struct BackgroundCacheTests {
    let dir = TemporaryDirectory()

    /// A frames root whose camera S01/c001 shows one grey level in its only frame.
    func root(_ name: String, grey: UInt8) throws -> FrameFolder {
        let root = FrameFolder(root: dir.file(name))
        let frame = try #require(FrameRef(path: "S01/c001/img1/000001.jpg"))
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: root.path(of: frame)).deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try RGBImage(width: 4, height: 4, pixels: [UInt8](repeating: grey, count: 48)).writePNG(to: root.path(of: frame))
        return root
    }

    @Test func oneCameraUnderTwoRootsGetsTwoBackgrounds() throws {
        let frame = try #require(FrameRef(path: "S01/c001/img1/000001.jpg"))
        let cache = dir.file("cache")
        let dark = TrackImages(frames: try root("a", grey: 20), cacheDirectory: cache)
        let light = TrackImages(frames: try root("b", grey: 230), cacheDirectory: cache)
        #expect(try dark.background(camera: "S01/c001", frames: [frame])?.pixels.first == 20)
        #expect(try light.background(camera: "S01/c001", frames: [frame])?.pixels.first == 230)
        #expect(try dark.background(camera: "S01/c001", frames: [frame])?.pixels.first == 20, "from the cache, its own")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache.path).count == 2)
    }
}
