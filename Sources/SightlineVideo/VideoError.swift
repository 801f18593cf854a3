import CFFmpeg
import SightlinePixels

/// Why a video could not give a frame; each case names the file.
public enum VideoError: Error, Sendable, Equatable, CustomStringConvertible, MissingFrameError {
    case missing(path: String)
    /// FFmpeg cannot open it as a video container, or it holds no video stream.
    case notAVideo(path: String, reason: String)
    /// The container is fine but no decoder of this FFmpeg build reads its codec (or pixel format).
    case unsupportedCodec(path: String, codec: String)
    /// A packet does not decode, or the file ends before the frames its container declares.
    case corrupt(path: String, reason: String)
    /// Frame numbers count from 1; `frameCount` is nil when the container declares none.
    case beyondEnd(path: String, frame: Int, frameCount: Int?)
    /// A CityFlow frame with neither its image file nor a video in its camera folder.
    case noFrame(image: String, cameraFolder: String)

    public var missingPath: String? {
        switch self {
        case let .missing(path), let .beyondEnd(path, _, _): path
        case let .noFrame(image, _): image
        case .notAVideo, .unsupportedCodec, .corrupt: nil
        }
    }

    public var description: String {
        switch self {
        case let .missing(path): "cannot read video \(path): no such file or not readable"
        case let .notAVideo(path, reason): "\(path) is not a video FFmpeg can open: \(reason)"
        case let .unsupportedCodec(path, codec): "video \(path) uses \(codec), which this FFmpeg build cannot decode"
        case let .corrupt(path, reason): "video \(path) is truncated or corrupt: \(reason)"
        case let .beyondEnd(path, frame, count?): "video \(path) has frames 1...\(count); there is no frame \(frame)"
        case let .beyondEnd(path, frame, nil): "video \(path) has no frame \(frame) (frames count from 1)"
        case let .noFrame(image, folder):
            "no image \(image), and no video \(VideoNames.all.joined(separator: ", ")) in \(folder) to take the frame from"
        }
    }

    /// FFmpeg's text for an error code.
    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The file names a CityFlow camera folder's video may have, in the order they are looked for.
public enum VideoNames {
    public static let all = ["vdo.avi", "vdo.mp4", "vdo.mkv"]
}
