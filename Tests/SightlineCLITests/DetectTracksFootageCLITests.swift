import Foundation
import SightlineData
import SightlineTestSupport
import Testing

/// `sightline detect-tracks` over footage: the native detector on a frame folder and on a video made
/// from the same frames finds the same vehicles, tracked into the same tracks.
@Suite(.requiresShared(FFmpegTool.sampleFrames), .requiresFFmpeg)
struct DetectTracksFootageCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-footage")

    @Test func aVideoAndItsFramesGiveTheSameTracks() throws {
        let folder = dir.file("img1")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = TestData.sharedData(FFmpegTool.sampleFrames)
        for n in 28...33 {
            let name = String(format: "%06d.jpg", n)
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(String(format: "%06d.jpg", n - 27)))
        }
        let video = dir.file("vdo.mp4")
        try FFmpegTool.run(["-framerate", "10", "-i", folder.appendingPathComponent("%06d.jpg").path,
                            "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuvj420p", video.path])

        let fromFrames = dir.file("frames.json").path, fromVideo = dir.file("video.json").path
        let detections = dir.file("det.txt").path
        let a = try SightlineTool.run(["detect-tracks", "--frames", folder.path, "--camera", "S01/c003", "--out", fromFrames,
                                       "--detections-out", detections])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stderr.contains("frame 6/6"))
        let b = try SightlineTool.run(["detect-tracks", "--video", video.path, "--camera", "S01/c003", "--out", fromVideo])
        #expect(b.status == 0, "\(b.stderr)")

        let framesTracks = try TrackFile.load(from: URL(fileURLWithPath: fromFrames))
        let videoTracks = try TrackFile.load(from: URL(fileURLWithPath: fromVideo))
        #expect(framesTracks.count >= 3, "the queue at the c003 stop line holds several vehicles")
        #expect(framesTracks.count == videoTracks.count)
        for (x, y) in zip(framesTracks, videoTracks) {
            #expect(x.frames == y.frames)
            #expect(zip(x.boxes, y.boxes).allSatisfy { $0.iou($1) > 0.9 })
        }
        let det = try MOTDetections.load(from: URL(fileURLWithPath: detections))
        #expect(det.keys.sorted() == Array(1...6))

        let missing = try SightlineTool.run(["detect-tracks", "--video", dir.file("none.mp4").path, "--camera", "S01/c003", "--out", dir.file("x.json").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("none.mp4"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.json").path))
    }
}
