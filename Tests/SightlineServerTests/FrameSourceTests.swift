import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlinePixels
import SightlineSearch
import SightlineServer
import SightlineTestSupport
import Testing

/// The server reads frames through the `FrameSource` it is given (the CLI's also reads videos).
struct FrameSourceTests {
    /// A grey 320×240 frame for every frame reference, or a missing frame where `missing` is set.
    struct Grey: FrameSource {
        var root: String
        var missing = false

        struct Missing: MissingFrameError {
            var path: String
            var missingPath: String? { path }
        }

        func frame(_ frame: FrameRef) throws -> RGBImage {
            if missing { throw Missing(path: "\(root)/\(frame.camera)/vdo.avi") }
            return RGBImage(width: 320, height: 240, pixels: [UInt8](repeating: 128, count: 320 * 240 * 3))
        }
    }

    let tracks = [Track(id: "a", frames: SampleTracks.frames("c001", 3),
                        boxes: [Box(x: 10, y: 10, w: 60, h: 40), Box(x: 40, y: 20, w: 60, h: 40), Box(x: 80, y: 30, w: 60, h: 40)])]

    @Test func thumbnailsComeFromTheGivenFrameSource() async throws {
        let server = SightlineServer(backend: MemoryBackend(tracks: tracks, framesRoot: "/videos"), frames: { Grey(root: $0) })
        try await Application(router: server.router()).test(.router) { client in
            let response = try await client.get("/tracks/a/thumbnail")
            #expect(response.status == .ok)
            #expect(pngSize(Array(buffer: response.body)) != nil)
        }
    }

    @Test func aFrameTheSourceLacksIs404() async throws {
        let server = SightlineServer(backend: MemoryBackend(tracks: tracks, framesRoot: "/videos"), frames: { Grey(root: $0, missing: true) })
        try await Application(router: server.router()).test(.router) { client in
            let response = try await client.get("/tracks/a/motion-map")
            #expect(response.status == .notFound)
            #expect(response.errorMessage == "no motion map for track 'a': a frame it needs is missing")
        }
    }

    @Test func aBoxOutsideTheFrameIs404WithTheReason() async throws {
        let outside = [Track(id: "far", frames: SampleTracks.frames("c001", 1), boxes: [Box(x: 1000, y: 900, w: 60, h: 40)])]
        let server = SightlineServer(backend: MemoryBackend(tracks: outside, framesRoot: "/videos"), frames: { Grey(root: $0) })
        try await Application(router: server.router()).test(.router) { client in
            for (path, image) in [("thumbnail", "thumbnail"), ("colour-region", "colour region")] {
                let response = try await client.get("/tracks/far/\(path)")
                #expect(response.status == .notFound)
                #expect(response.errorMessage == "no \(image) for track 'far': its box lies outside the frame")
            }
        }
    }
}
