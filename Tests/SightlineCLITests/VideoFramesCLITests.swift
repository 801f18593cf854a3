import Foundation
import SightlineTestSupport
import Testing

/// `--frames-root` over a folder holding only camera videos, no extracted frames.
@Suite(.requiresFFmpeg, .requiresShared(FFmpegTool.sampleFrames, "cityflow-sample/test-tracks.json"))
struct VideoFramesCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-video-cli")

    func describe(framesRoot: String, cache: String) throws -> [String: Any] {
        let track = "c19db37b-ec12-43ca-902e-5ff2d8ef3b5a"
        let result = try SightlineTool.run(["describe-track", "--track", track, "--tracks", TestData.sharedData("cityflow-sample/test-tracks.json").path,
                                            "--json", "--colour-only", "--frames-root", framesRoot, "--cache", cache])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func describeTrackReadsItsFramesFromTheCameraVideo() throws {
        let videos = dir.file("videos")
        try FFmpegTool.sampleCameraVideo(to: videos.appendingPathComponent("train/S01/c003/vdo.avi"))
        let fromVideo = try describe(framesRoot: videos.path, cache: dir.file("cache-video").path)
        let fromJPEGs = try describe(framesRoot: TestData.sharedData("cityflow-sample/frames").path, cache: dir.file("cache-jpeg").path)
        let a = try #require(fromVideo["colour"] as? [String: Double]), b = try #require(fromJPEGs["colour"] as? [String: Double])
        #expect(a.max { $0.value < $1.value }?.key == b.max { $0.value < $1.value }?.key, "video \(a), JPEGs \(b)")
        for (colour, p) in b { #expect(abs((a[colour] ?? 0) - p) < 0.05, "\(colour): video \(a[colour] ?? 0), JPEGs \(p)") }
    }

    @Test func aTruncatedCameraVideoFailsNamingIt() throws {
        let video = dir.file("cut/train/S01/c003/vdo.avi")
        try FFmpegTool.sampleCameraVideo(to: video, codec: ["-c:v", "mpeg4", "-q:v", "3"])
        let bytes = try Data(contentsOf: video)
        try bytes.prefix(bytes.count / 2).write(to: video)
        let result = try SightlineTool.run(["describe-track", "--track", "a1186b5d-6be7-464a-aa79-bad9acdf2895",
                                            "--tracks", TestData.sharedData("cityflow-sample/test-tracks.json").path,
                                            "--colour-only", "--frames-root", dir.file("cut").path, "--cache", dir.file("cache").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(video.path) && result.stderr.contains("truncated or corrupt"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
