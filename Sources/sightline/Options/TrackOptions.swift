import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlinePixels

/// `--track` and `--tracks`: one track of a track file, for the commands that look at a single track.
struct TrackOptions: ParsableArguments {
    @Option(help: "Track id.")
    var track: String

    @Option(help: "Track file holding it.")
    var tracks: String

    /// The track, and every track of the file, with an error naming the file and the id when it is not there.
    func load() throws -> (track: Track, all: [Track]) {
        let all = try TrackFile.load(from: URL(fileURLWithPath: tracks))
        guard let found = all.first(where: { $0.id == track }) else {
            throw ValidationError("\(tracks): no track with id \(track)")
        }
        return (found, all)
    }
}

/// Every frame of the camera that saw `track`, across the track file.
func cameraFrames(of track: Track, in all: [Track]) -> [FrameRef] {
    all.filter { $0.cameraKey == track.cameraKey }.flatMap(\.frames)
}

extension TrackImages {
    /// The background of the camera that saw `track`, from every frame of that camera in `all`;
    /// an error naming the camera when none of them can be combined.
    func cameraBackground(of track: Track, in all: [Track]) throws -> RGBImage {
        guard let background = try background(camera: track.cameraKey, frames: cameraFrames(of: track, in: all)) else {
            throw ValidationError("no frames of camera \(track.cameraKey) could be combined into a background")
        }
        return background
    }
}
