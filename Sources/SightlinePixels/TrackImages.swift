import Foundation
import SightlineData

/// Cuts a track's vehicle out of its frames, builds its camera's background and its motion
/// map. Frames come from `frames` (image files or videos).
public struct TrackImages: Sendable {
    public var frames: any FrameSource
    /// Folder for per-camera background PNGs; nil disables the cache.
    public var cacheDirectory: URL?
    public var crop: CropOptions
    /// Frames sampled per track for crops and colour.
    public var samplesPerTrack: Int
    /// Frames averaged per camera background.
    public var backgroundFrames: Int
    public var backgroundMethod: Background.Method

    public init(frames: any FrameSource, cacheDirectory: URL? = nil, crop: CropOptions = .ssm, samplesPerTrack: Int = 8,
                backgroundFrames: Int = 30, backgroundMethod: Background.Method = .mean) {
        self.frames = frames
        self.cacheDirectory = cacheDirectory
        self.crop = crop
        self.samplesPerTrack = samplesPerTrack
        self.backgroundFrames = backgroundFrames
        self.backgroundMethod = backgroundMethod
    }

    /// Decodes one frame; the error names the file.
    public func frame(_ frame: FrameRef) throws -> RGBImage { try frames.frame(frame) }

    /// The missing path when `error` says a frame is not there (no file, or past the end of its
    /// video), as opposed to one that is there but does not decode: what callers may skip instead of stopping.
    public static func missingFrame(in error: any Error) -> String? {
        (error as? any MissingFrameError)?.missingPath
    }

    /// The pixel rectangle of box `i` of `track` in a frame of the given size.
    public func rect(_ box: Box, frameWidth: Int, frameHeight: Int, options: CropOptions? = nil) -> PixelRect? {
        (options ?? crop).rect(x: box.x, y: box.y, w: box.w, h: box.h, frameWidth: frameWidth, frameHeight: frameHeight)
    }

    /// Crops of up to `samplesPerTrack` evenly spaced frames, with the box each came from.
    public func crops(of track: Track, options: CropOptions? = nil) throws -> [(index: Int, rect: PixelRect, image: RGBImage)] {
        try FrameSampling.evenlySpaced(count: track.frames.count, limit: samplesPerTrack).compactMap { i in
            let image = try frame(track.frames[i])
            guard let r = rect(track.boxes[i], frameWidth: image.width, frameHeight: image.height, options: options) else { return nil }
            return (i, r, image.cropped(r))
        }
    }

    /// The cache file name of a camera's background: the camera, the method and a hash of where
    /// the frames come from, so that one camera name under two frames roots gets two backgrounds.
    func backgroundCacheName(camera: String) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in frames.identity.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let source = frames.identity.isEmpty ? "" : "-" + String(hash, radix: 16)
        return "background-\(camera.replacingOccurrences(of: "/", with: "-"))-\(backgroundMethod.rawValue)\(source).png"
    }

    /// The background of the camera seen by `frames` (any frames of that camera), from the cache when present.
    /// With `missing`, a frame file that is missing or unreadable is passed to it and left out
    /// (the background combines the others, and is not cached) instead of failing.
    public func background(camera: String, frames: [FrameRef], missing: ((String) -> Void)? = nil) throws -> RGBImage? {
        let cacheFile = cacheDirectory?.appendingPathComponent(backgroundCacheName(camera: camera))
        if let cacheFile, FileManager.default.fileExists(atPath: cacheFile.path) {
            return try ImageDecoder.decode(path: cacheFile.path)
        }
        let unique = Dictionary(frames.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first }).values.sorted { $0.path < $1.path }
        let chosen = FrameSampling.evenlySpaced(count: unique.count, limit: backgroundFrames).map { unique[$0] }
        var complete = true
        let images = try chosen.compactMap { frame -> RGBImage? in
            do {
                return try self.frame(frame)
            } catch {
                guard let missing, let path = Self.missingFrame(in: error) else { throw error }
                missing(path)
                complete = false
                return nil
            }
        }
        guard let background = Background.estimate(images, method: backgroundMethod) else { return nil }
        if complete, let cacheDirectory, let cacheFile {
            try FileManager.default.createDirectory(at: cacheDirectory, withIntermediateDirectories: true)
            try background.writePNG(to: cacheFile.path)
        }
        return background
    }

    /// SSM's motion map of `track` on `background`: crops pasted along the path, skipping boxes
    /// whose IoU with the last pasted one exceeds `maxIoU`. Only the pasted frames are decoded.
    public func motionMap(of track: Track, background: RGBImage, maxIoU: Double = 0.05) throws -> RGBImage {
        let plain = CropOptions()
        let rects = track.boxes.map { rect($0, frameWidth: background.width, frameHeight: background.height, options: plain) }
        let valid = rects.indices.filter { rects[$0] != nil }
        let chosen = MotionMap.selectBoxes(valid.compactMap { rects[$0] }, maxIoU: maxIoU).map { valid[$0] }
        let crops = try chosen.compactMap { i -> (box: PixelRect, image: RGBImage)? in
            guard let r = rects[i] else { return nil }
            return (r, try frame(track.frames[i]).cropped(r))
        }
        return MotionMap.render(background: background, crops: crops)
    }
}
