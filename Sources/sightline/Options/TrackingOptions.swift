import ArgumentParser
import SightlineEngine
import SightlineTracking

/// `--score`: the native detector's setting, for the commands that detect vehicles in footage.
struct DetectorOptions: ParsableArguments {
    @Option(help: "With footage: the detector's score threshold (low boxes feed ByteTrack's second pass).")
    var score: Float = 0.1

    func validate() throws {
        guard (0..<1).contains(score) else { throw ValidationError("--score must be in [0, 1)") }
    }

    var options: VehicleDetector.Options { VehicleDetector.Options(scoreThreshold: score) }

    /// Names the detector and its settings, so that stored detections of other ones are not resumed.
    func settings(_ detector: VehicleDetector) -> String {
        "\(detector.path.split(separator: "/").last.map(String.init) ?? detector.path) score \(score) iou \(options.iouThreshold)"
    }
}

/// ByteTrack's settings and the seed of the track ids, for the commands that track detections.
struct TrackerOptions: ParsableArguments {
    @Option(help: "Seed of the track ids.")
    var seed: UInt64 = 0

    @Option(help: "ByteTrack's track_thresh: boxes above it are matched first; new tracks need 0.1 more.")
    var trackThresh: Float = 0.5

    @Option(help: "ByteTrack's match_thresh: the first pass matches only below this cost (1 - IoU x score).")
    var matchThresh = 0.8

    @Option(help: "ByteTrack's track_buffer: frames a lost track waits to be matched again.")
    var trackBuffer = 30

    @Option(help: "Drop tracks matched to fewer boxes than this.")
    var minLength = 3

    func validate() throws {
        guard (0..<1).contains(trackThresh) else { throw ValidationError("--track-thresh must be in [0, 1)") }
        guard matchThresh > 0, matchThresh <= 1 else { throw ValidationError("--match-thresh must be in (0, 1]") }
        guard trackBuffer >= 0 else { throw ValidationError("--track-buffer must not be negative") }
        guard minLength >= 1 else { throw ValidationError("--min-length must be at least 1") }
    }

    var configuration: ByteTracker.Configuration {
        var c = ByteTracker.Configuration()
        c.trackThreshold = trackThresh
        c.birthThreshold = trackThresh + 0.1
        c.matchThreshold = matchThresh
        c.trackBuffer = trackBuffer
        c.minimumLength = minLength
        return c
    }

    /// Names the settings that decide which tracks and ids come out of the same detections.
    var settings: String {
        "bytetrack thresh \(trackThresh) match \(matchThresh) buffer \(trackBuffer) min \(minLength) seed \(seed)"
    }
}
