import ArgumentParser
import Foundation
import SightlineAppearance
import SightlinePixels

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw images from CityFlow frames: a camera's background or a track's motion map.",
        subcommands: [MotionMapCommand.self, BackgroundCommand.self]
    )

    struct MotionMapCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "motion-map",
            abstract: "SSM's motion map: the track's crops pasted along its path on the camera background."
        )

        @Option(help: "Track id.") var track: String
        @Option(help: "Track file holding it.") var tracks: String
        @Option(help: "Output PNG.") var out: String
        @Option(help: "Skip a crop whose IoU with the last pasted one exceeds this (SSM: 0.05).") var maxIoU = 0.05
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            let (t, all) = try findTrack(track, in: tracks)
            let images = try pixels.requireImages()
            guard let background = try images.background(camera: t.cameraKey, frames: cameraFrames(of: t, in: all)) else {
                throw ValidationError("no frames of camera \(t.cameraKey) could be combined into a background")
            }
            try images.motionMap(of: t, background: background, maxIoU: maxIoU).writePNG(to: out)
            printError("wrote \(out)")
        }
    }

    struct BackgroundCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "background",
            abstract: "The mean (or median) of up to N frames of the camera that saw a track."
        )

        @Option(help: "A track of the camera.") var track: String
        @Option(help: "Track file holding it.") var tracks: String
        @Option(help: "Output PNG.") var out: String
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            let (t, all) = try findTrack(track, in: tracks)
            guard let background = try pixels.requireImages().background(camera: t.cameraKey, frames: cameraFrames(of: t, in: all)) else {
                throw ValidationError("no frames of camera \(t.cameraKey) could be combined into a background")
            }
            try background.writePNG(to: out)
            printError("wrote \(out)")
        }
    }
}
