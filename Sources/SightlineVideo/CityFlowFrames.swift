import Foundation
import SightlineData
import SightlinePixels

/// CityFlow frames under `root`, from image files where they exist and from each camera's video
/// otherwise: `train/S01/c003/img1/000028.jpg` is that file when present, else frame 28 of
/// `train/S01/c003/vdo.avi` (or `vdo.mp4`, `vdo.mkv`), the video's first frame being frame 1 as
/// in CityFlow's numbering. So `--frames-root` may hold extracted frames, videos, or both.
public struct CityFlowFrames: FrameSource {
    public var root: URL
    public var videos: VideoLibrary

    public init(root: URL, videos: VideoLibrary) {
        self.root = root
        self.videos = videos
    }

    public var identity: String { root.standardizedFileURL.path }

    public func frame(_ frame: FrameRef) throws -> RGBImage {
        let image = root.appendingPathComponent(frame.path).path
        if FileManager.default.fileExists(atPath: image) { return try ImageDecoder.decode(path: image) }
        guard let folder = cameraFolder(of: frame) else { throw ImageDecodingError.unreadable(path: image) }
        guard let video = video(in: folder) else { throw VideoError.noFrame(image: image, cameraFolder: folder) }
        return try videos.frame(frame.frame, of: video)
    }

    /// The video file of the camera folder, the first of `VideoNames.all` present.
    public func video(in cameraFolder: String) -> String? {
        VideoNames.all.lazy.map { (cameraFolder as NSString).appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// `<root>/train/S01/c003` for `train/S01/c003/img1/000028.jpg`.
    func cameraFolder(of frame: FrameRef) -> String? {
        let parts = frame.path.split(separator: "/", omittingEmptySubsequences: true)
        guard let camera = parts.dropLast().lastIndex(where: { $0 == frame.camera }) else { return nil }
        return root.appendingPathComponent(parts[...camera].joined(separator: "/")).path
    }
}
