import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlinePixels

/// Options of the commands that read CityFlow frames.
struct PixelOptions: ParsableArguments {
    @Option(help: """
        Folder the frame paths of the track file are relative to (CityFlow's root, holding train/ and validation/). \
        A frame whose image file is missing is read from its camera folder's vdo.avi (or vdo.mp4, vdo.mkv), frame 1 being the video's first.
        """)
    var framesRoot: String?

    @OptionGroup var settings: PixelSettings

    var cache: String { settings.cache }
    var samples: Int { settings.samples }
    var describer: DescriberOptions { settings.describer }
    var modelDescription: String { settings.modelDescription }

    func validate() throws {
        if let framesRoot {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: framesRoot, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--frames-root \(framesRoot): no such folder")
            }
        }
    }

    /// The frame reader, or nil without --frames-root.
    var images: TrackImages? { framesRoot.map(settings.images(root:)) }

    /// The frame reader for commands that cannot work without frames.
    func requireImages() throws -> TrackImages {
        guard let images else { throw ValidationError("this command needs --frames-root") }
        return images
    }

    /// Colour, type and embedding of every track as `PixelSettings.appearance` gives them; empty without --frames-root.
    func appearance(of tracks: [Track], strict: Bool) throws -> [String: TrackAppearance] {
        guard let framesRoot else { return [:] }
        return try settings.appearance(of: tracks, root: framesRoot, strict: strict)
    }
}

/// How frames become colour, type and embedding: the sampling, the background cache and the describer,
/// whatever folder the frames are under (`--frames-root`, or the frames `ingest` keeps).
struct PixelSettings: ParsableArguments {
    @Option(help: "Folder caching per-camera backgrounds (created when missing).")
    var cache: String = CacheFolder.standard

    @Option(help: "Frames sampled per track for crops and colour.")
    var samples = 8

    @Option(help: "Frames combined per camera background.")
    var backgroundFrames = 30

    @Option(help: "Background estimate: mean (SSM) or median.")
    var backgroundMethod: String = "mean"

    @OptionGroup var describer: DescriberOptions

    func validate() throws {
        guard samples > 0 else { throw ValidationError("--samples must be positive") }
        guard backgroundFrames > 0 else { throw ValidationError("--background-frames must be positive") }
        guard Background.Method(rawValue: backgroundMethod) != nil else { throw ValidationError("--background-method must be mean or median") }
    }

    /// The frame reader of the frames under `root`.
    func images(root: String) -> TrackImages {
        TrackImages(frames: Videos.frames(root: root), cacheDirectory: URL(fileURLWithPath: cache),
                    samplesPerTrack: samples, backgroundFrames: backgroundFrames,
                    backgroundMethod: Background.Method(rawValue: backgroundMethod) ?? .mean)
    }

    /// Names the pixel model and settings, so an index refuses colours from other ones.
    var modelDescription: String {
        "\(ColourNamer().settings); samples \(samples); background \(backgroundFrames) frames \(backgroundMethod); "
            + (describer.colourOnly ? "no type model" : "types \(describer.typeSettings)")
    }

    /// Colour, type and embedding of every track (colour only with --colour-only) from the frames
    /// under `root`, with progress on stderr. A track with a missing frame goes without pixels,
    /// with a warning naming both (the first few) and a count at the end; with `strict` (--strict) it stops the command.
    func appearance(of tracks: [Track], root: String, strict: Bool) throws -> [String: TrackAppearance] {
        let step = max(1, tracks.count / 10)
        let report = try AppearanceExtractor(images: images(root: root), encoder: describer.encoder(), strict: strict).appearance(of: tracks) { done, total in
            if done % step == 0 || done == total { printError("pixels: \(done)/\(total) tracks") }
        }
        let shown = 20
        for frame in report.missing.prefix(shown) {
            if let track = frame.track {
                printError("pixels: warning: track \(track) goes without pixels: frame \(frame.path) is missing or unreadable")
            } else {
                printError("pixels: warning: background of \(frame.camera) leaves out frame \(frame.path): it is missing or unreadable")
            }
        }
        if report.missing.count > shown { printError("pixels: warning: \(report.missing.count - shown) more missing frames") }
        if report.tracksWithoutPixels > 0 {
            printError("pixels: \(report.tracksWithoutPixels) track\(report.tracksWithoutPixels == 1 ? "" : "s") without pixels: frames missing (--strict stops instead)")
        }
        return report.appearance
    }
}

/// `--strict` of the commands that describe a whole gallery from its frames.
struct MissingFrameOptions: ParsableArguments {
    @Flag(help: "Stop at a missing frame file instead of leaving its track without pixels (with a warning).")
    var strict = false
}
