import Foundation
import SightlineData
import SightlinePixels
import SightlineTestSupport
import SightlineVideo
import Testing

@Suite(.requiresFFmpeg)
struct CityFlowFramesTests {
    let dir = TemporaryDirectory(prefix: "sightline-cityflow-video")

    func ref(_ number: Int, camera: String = "c003") -> FrameRef {
        FrameRef(path: "train/S01/\(camera)/img1/\(String(format: "%06d", number)).jpg", scene: "S01", camera: camera, frame: number)
    }

    @Test(.requiresShared(FFmpegTool.sampleFrames))
    func aVideoGivesTheCropsOfItsJPEGs() throws {
        try FFmpegTool.sampleCameraVideo(to: dir.file("train/S01/c003/vdo.avi"))
        let video = TrackImages(frames: CityFlowFrames(root: dir.url, videos: VideoLibrary()))
        let jpeg = TrackImages(frames: FrameFolder(root: TestData.sharedData("cityflow-sample/frames")))
        let box = Box(x: 1588, y: 462, w: 332, h: 300)
        for number in [28, 29, 64, 120, 57, 33] {
            let a = try video.frame(ref(number)), b = try jpeg.frame(ref(number))
            #expect(a.width == b.width && a.height == b.height)
            let rect = try #require(jpeg.rect(box, frameWidth: b.width, frameHeight: b.height))
            let difference = zip(a.cropped(rect).pixels, b.cropped(rect).pixels).map { abs(Int($0) - Int($1)) }
            let mean = Double(difference.reduce(0, +)) / Double(difference.count)
            #expect(mean < 2, "frame \(number): mean difference \(mean) per channel")
        }
    }

    @Test func theJPEGWinsWhereBothExist() throws {
        let folder = dir.file("train/S01/c001/img1")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let image = RGBImage(width: 8, height: 8, pixels: [UInt8](repeating: 200, count: 8 * 8 * 3))
        try image.writePNG(to: folder.appendingPathComponent("000002.jpg").path)
        try dir.write("train/S01/c001/vdo.avi", "not a video")
        let frames = CityFlowFrames(root: dir.url, videos: VideoLibrary())
        #expect(try frames.frame(ref(2, camera: "c001")) == image)
        #expect(throws: VideoError.self) { try frames.frame(ref(3, camera: "c001")) }
    }

    @Test func neitherImageNorVideoIsAMissingFrame() throws {
        let frames = CityFlowFrames(root: dir.url, videos: VideoLibrary())
        let image = dir.file("train/S01/c009/img1/000004.jpg").path
        let error = #expect(throws: VideoError.self) { try frames.frame(ref(4, camera: "c009")) }
        #expect(error == .noFrame(image: image, cameraFolder: dir.file("train/S01/c009").path))
        #expect(error.flatMap { TrackImages.missingFrame(in: $0) } == image)
    }
}
