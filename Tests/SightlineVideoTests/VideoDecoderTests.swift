import Foundation
import SightlineData
import SightlinePixels
import SightlineTestSupport
import SightlineVideo
import Testing

@Suite(.requiresFFmpeg)
struct VideoDecoderTests {
    let dir = TemporaryDirectory(prefix: "sightline-video")

    /// `frames` frames of ffmpeg's moving test pattern at 160×96, 25 frames/s, a keyframe every 12 frames, with B-frames where the codec has them.
    func testVideo(_ name: String, frames: Int = 60, codec: [String]) throws -> String {
        let file = dir.file(name)
        try FFmpegTool.run(["-f", "lavfi", "-i", "testsrc2=size=160x96:rate=25", "-frames:v", "\(frames)", "-g", "12"] + codec + [file.path])
        return file.path
    }

    static let codecs: [(name: String, codec: [String])] = [
        ("h264.mp4", ["-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p"]),
        ("mpeg4.avi", ["-c:v", "mpeg4", "-bf", "2", "-q:v", "4"]),
        ("h264.mkv", ["-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p"]),
    ]

    @Test(arguments: codecs.map(\.name))
    func framesCountSizeAndRate(_ name: String) throws {
        let path = try testVideo(name, frames: 60, codec: try #require(Self.codecs.first { $0.name == name }).codec)
        let video = try VideoDecoder(path: path)
        #expect(video.frameCount == 60)
        #expect(video.width == 160 && video.height == 96)
        #expect(abs(video.framesPerSecond - 25) < 1e-9)
        let last = try video.frame(60)
        #expect(last.width == 160 && last.height == 96)
        #expect(throws: VideoError.beyondEnd(path: path, frame: 61, frameCount: 60)) { try video.frame(61) }
        #expect(throws: VideoError.beyondEnd(path: path, frame: 0, frameCount: 60)) { try video.frame(0) }
    }

    @Test(arguments: codecs.map(\.name))
    func seekingGivesTheSamePixelsAsDecodingInOrder(_ name: String) throws {
        let path = try testVideo(name, frames: 60, codec: try #require(Self.codecs.first { $0.name == name }).codec)
        let inOrder = try VideoDecoder(path: path)
        let frames = try (1...60).map { try inOrder.frame($0) }
        #expect(Set(frames.map(\.pixels)).count == 60, "the test pattern moves, so every frame differs")
        var generator = SplitMix64(seed: 16)
        let numbers = (0..<40).map { _ in Int.random(in: 1...60, using: &generator) } + [60, 1, 13, 12, 24, 25, 59, 2]
        let seeking = try VideoDecoder(path: path)
        for number in numbers {
            #expect(try seeking.frame(number) == frames[number - 1], "frame \(number) of \(name)")
        }
    }

    @Test func theLibrarySharedByThreadsGivesEachFrameOnce() throws {
        let path = try testVideo("threads.mp4", frames: 48, codec: ["-c:v", "libx264", "-bf", "2", "-pix_fmt", "yuv420p"])
        let reference = try VideoDecoder(path: path)
        let frames = try (1...48).map { try reference.frame($0) }
        let library = VideoLibrary(cachedFrames: 4, decodersPerVideo: 2)
        let wrong = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            var generator = SplitMix64(seed: UInt64(worker))
            for _ in 0..<30 {
                let number = Int.random(in: 1...48, using: &generator)
                if (try? library.frame(number, of: path)) != frames[number - 1] { wrong.add() }
            }
        }
        #expect(wrong.value == 0)
    }

    @Test func aMissingVideoIsNamed() throws {
        let path = dir.file("nothing.avi").path
        #expect(throws: VideoError.missing(path: path)) { try VideoDecoder(path: path) }
        #expect(TrackImages.missingFrame(in: VideoError.missing(path: path)) == path, "a missing video is a missing frame, which callers may skip")
        #expect("\(VideoError.missing(path: path))".contains(path))
    }

    @Test func aTruncatedVideoIsNamed() throws {
        let whole = try testVideo("whole.avi", frames: 60, codec: ["-c:v", "mpeg4", "-q:v", "4"])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: whole))
        let cut = try dir.write("cut.avi", bytes: bytes.prefix(bytes.count / 2))
        let error = #expect(throws: VideoError.self) {
            let video = try VideoDecoder(path: cut.path)
            _ = try video.frame(60)
        }
        guard case let .corrupt(path, _)? = error else { Issue.record("expected corrupt, got \(String(describing: error))"); return }
        #expect(path == cut.path)
        #expect("\(error!)".contains(cut.path))
        #expect(TrackImages.missingFrame(in: error!) == nil, "a truncated video is damage to report, not a frame to skip")
    }

    @Test func notAVideoIsNamed() throws {
        let file = try dir.write("vdo.avi", "these are not video packets\n")
        let error = #expect(throws: VideoError.self) { try VideoDecoder(path: file.path) }
        guard case let .notAVideo(path, _)? = error else { Issue.record("expected notAVideo, got \(String(describing: error))"); return }
        #expect(path == file.path)
        #expect("\(error!)".contains(file.path))
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
