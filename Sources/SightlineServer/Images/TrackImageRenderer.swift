import Foundation
import SightlineAppearance
import SightlineData
import SightlineSearch
import SightlinePixels

/// The pictures the server draws of a track.
enum TrackImageKind: String, Sendable {
    case thumbnail
    case motionMap = "motion map"
    case colourRegion = "colour region"
}

/// Renders thumbnails (the vehicle cut from its middle frame), motion maps (SSM: crops pasted on
/// the camera background) and colour regions (the middle crop as the colour namer sees it, all but
/// the painted surface greyed) as PNG, each once: finished images and renders in
/// progress are shared, so concurrent requests for one track decode its frames once.
actor TrackImageRenderer {
    private let backend: any SearchBackend
    private let frames: @Sendable (String) -> any FrameSource
    private let cacheDirectory: URL?
    private let capacity: Int
    private var finished: [String: [UInt8]] = [:]
    private var order: [String] = []
    private var running: [String: Task<[UInt8], any Error>] = [:]

    /// Longest side of a thumbnail and width of a motion map, in pixels.
    static let thumbnailSide = 256
    static let motionMapWidth = 960

    init(backend: any SearchBackend, frames: @escaping @Sendable (String) -> any FrameSource, cacheDirectory: URL?, capacity: Int) {
        self.backend = backend
        self.frames = frames
        self.cacheDirectory = cacheDirectory
        self.capacity = max(1, capacity)
    }

    /// The PNG bytes of one picture of a track.
    func png(_ kind: TrackImageKind, of id: String) async throws -> [UInt8] {
        let key = "\(kind.rawValue)/\(id)"
        if let bytes = finished[key] { return bytes }
        if let task = running[key] { return try await task.value }
        let backend = backend, frames = frames, cacheDirectory = cacheDirectory
        let task = Task.detached(priority: .userInitiated) { () throws -> [UInt8] in
            guard let track = try await backend.track(id: id) else { throw APIError.unknownTrack(id) }
            guard let root = try await backend.framesRoot(of: id) else { throw APIError.noPixels(track: id, image: kind.rawValue) }
            let images = TrackImages(frames: frames(root), cacheDirectory: cacheDirectory)
            let cameraFrames = kind == .thumbnail ? [] : try await backend.frames(ofCamera: track.cameraKey)
            do {
                switch kind {
                case .thumbnail: return try Self.thumbnail(of: track, images: images)
                case .motionMap: return try Self.motionMap(of: track, cameraFrames: cameraFrames, images: images)
                case .colourRegion: return try Self.colourRegion(of: track, cameraFrames: cameraFrames, images: images)
                }
            } catch let error as APIError {
                throw error
            } catch {
                if let path = TrackImages.missingFrame(in: error) { throw APIError.frameMissing(track: id, image: kind.rawValue, path: path) }
                throw APIError.imageFailed(track: id, image: kind.rawValue, detail: "\(error)")
            }
        }
        running[key] = task
        defer { running[key] = nil }
        let bytes = try await task.value
        store(bytes, at: key)
        return bytes
    }

    private func store(_ bytes: [UInt8], at key: String) {
        guard finished[key] == nil else { return }
        finished[key] = bytes
        order.append(key)
        if order.count > capacity {
            finished[order.removeFirst()] = nil
        }
    }

    private static func thumbnail(of track: Track, images: TrackImages) throws -> [UInt8] {
        guard !track.frames.isEmpty, track.frames.count == track.boxes.count else {
            throw APIError.noImage(track: track.id, image: TrackImageKind.thumbnail.rawValue, reason: "the track has no boxes")
        }
        let middle = track.frames.count / 2
        let frame = try images.frame(track.frames[middle])
        guard let rect = images.rect(track.boxes[middle], frameWidth: frame.width, frameHeight: frame.height,
                                     options: CropOptions(enlarge: 1.25, squarePad: true)) else {
            throw APIError.noImage(track: track.id, image: TrackImageKind.thumbnail.rawValue, reason: "its box lies outside the frame")
        }
        return try shrunk(frame.cropped(rect)).pngData()
    }

    /// `image` with its longest side at most `thumbnailSide`.
    private static func shrunk(_ image: RGBImage) -> RGBImage {
        let scale = min(1, Double(thumbnailSide) / Double(max(image.width, image.height)))
        return scale < 1
            ? image.resizedArea(width: max(1, Int(clamping: (Double(image.width) * scale).rounded())), height: max(1, Int(clamping: (Double(image.height) * scale).rounded())))
            : image
    }

    /// The middle frame's crop as the colour is named from it (the un-enlarged box, the camera
    /// background masking the road), with everything but the painted surface greyed.
    private static func colourRegion(of track: Track, cameraFrames: [FrameRef], images: TrackImages) throws -> [UInt8] {
        guard !track.frames.isEmpty, track.frames.count == track.boxes.count else {
            throw APIError.noImage(track: track.id, image: TrackImageKind.colourRegion.rawValue, reason: "the track has no boxes")
        }
        let middle = track.frames.count / 2
        let frame = try images.frame(track.frames[middle])
        guard let rect = images.rect(track.boxes[middle], frameWidth: frame.width, frameHeight: frame.height, options: CropOptions()) else {
            throw APIError.noImage(track: track.id, image: TrackImageKind.colourRegion.rawValue, reason: "its box lies outside the frame")
        }
        let crop = frame.cropped(rect)
        let background = try images.background(camera: track.cameraKey, frames: cameraFrames.isEmpty ? track.frames : cameraFrames)
        let region = ColourNamer().region(of: crop, background: background.flatMap { $0.width == frame.width && $0.height == frame.height ? $0.cropped(rect) : nil })
        return try shrunk(region?.overlay(on: crop) ?? crop).pngData()
    }

    private static func motionMap(of track: Track, cameraFrames: [FrameRef], images: TrackImages) throws -> [UInt8] {
        let frames = cameraFrames.isEmpty ? track.frames : cameraFrames
        guard let background = try images.background(camera: track.cameraKey, frames: frames) else {
            throw APIError.noImage(track: track.id, image: TrackImageKind.motionMap.rawValue, reason: "no frames for the camera background")
        }
        let map = try images.motionMap(of: track, background: background)
        let scale = min(1, Double(motionMapWidth) / Double(map.width))
        let small = scale < 1 ? map.resizedArea(width: motionMapWidth, height: max(1, Int(clamping: (Double(map.height) * scale).rounded()))) : map
        return try small.pngData()
    }
}
