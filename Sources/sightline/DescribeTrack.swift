import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineTracks

struct DescribeTrack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-track",
        abstract: "Colour and body-type distributions of a track from its sampled crops, with its motion from the boxes."
    )

    @OptionGroup var track: TrackOptions
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var pixels: PixelOptions

    func run() async throws {
        let (t, all) = try track.load()
        let images = try pixels.requireImages()
        let camera = all.filter { $0.cameraKey == t.cameraKey }
        let background = try images.background(camera: t.cameraKey, frames: cameraFrames(of: t, in: all))
        let look = try images.appearance(of: t, background: background, encoder: pixels.describer.encoder(),
                                         geometry: BoxGeometry.of(camera)[t.id],
                                         occupancy: FrameOccupancy(camera))
        let description = VehicleDescription(colours: look.colours, types: look.types)
        let trajectory = TrackAnalysis(tracks: camera).trajectories[t.id]
        if json {
            let distributions = description.distributions
            try printJSON(Output(track: t.id, camera: t.cameraKey, colour: distributions.colour, type: distributions.type,
                                 embeddingDimensions: look.embedding.count, motion: trajectory?.turn.rawValue, stops: trajectory?.stops))
        } else {
            print("track: \(t.id) (\(t.cameraKey), \(t.frames.count) frames)")
            print(description.text())
            if let trajectory { print("motion: \(trajectory.turn.rawValue)\(trajectory.stops ? ", stops" : "")") }
            if !look.embedding.isEmpty { print("embedding: \(look.embedding.count) dimensions (mean of \(pixels.samples) sampled crops at most)") }
        }
    }

    /// `describe-track --json`; `motion` and `stops` are left out when the boxes give no trajectory.
    struct Output: Encodable {
        var track: String
        var camera: String
        var colour: [String: Double]
        var type: [String: Double]
        var embeddingDimensions: Int
        var motion: String?
        var stops: Bool?
    }
}
