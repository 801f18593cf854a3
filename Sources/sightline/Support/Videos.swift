import Foundation
import SightlinePixels
import SightlineVideo

/// The process's open camera videos, shared by every frames root it reads, so decoders stay
/// open and positioned across tracks and server requests.
enum Videos {
    static let library = VideoLibrary()

    /// The frames under a frames root: image files, else the camera folders' videos.
    @Sendable static func frames(root: String) -> any FrameSource {
        CityFlowFrames(root: URL(fileURLWithPath: root), videos: library)
    }
}
