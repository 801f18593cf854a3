import Foundation
import SightlineData

/// Where a track's frames come from: decodes the frame a `FrameRef` names, whatever holds it
/// (a folder of JPEGs, a camera's video). Errors name the file they came from.
public protocol FrameSource: Sendable {
    func frame(_ frame: FrameRef) throws -> RGBImage
    /// Where the frames come from (a root folder's path), so that what is cached per camera
    /// (backgrounds) keeps two sources with the same camera names apart; empty where unknown.
    var identity: String { get }
}

extension FrameSource {
    public var identity: String { "" }
}

/// An error that says a frame is not there at all (no file, or past the end of its video), as
/// opposed to one that is there but does not decode: what callers may skip instead of stopping.
public protocol MissingFrameError: Error {
    /// The path that was missing, or nil when this error is of the other kind.
    var missingPath: String? { get }
}

extension ImageDecodingError: MissingFrameError {
    public var missingPath: String? {
        if case let .unreadable(path) = self { return path }
        return nil
    }
}

/// Frames as image files (JPEG or PNG) under `root`, at each frame's CityFlow path (`train/S01/c003/img1/000028.jpg`).
public struct FrameFolder: FrameSource {
    public var root: URL

    public init(root: URL) { self.root = root }

    /// The file holding `frame`.
    public func path(of frame: FrameRef) -> String { root.appendingPathComponent(frame.path).path }

    public var identity: String { root.standardizedFileURL.path }

    public func frame(_ frame: FrameRef) throws -> RGBImage { try ImageDecoder.decode(path: path(of: frame)) }
}
