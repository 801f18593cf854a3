import ArgumentParser
import Foundation
import SightlineData
import SightlineTracking

struct DetectTracks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-tracks",
        abstract: "Track vehicles through one camera's detections (ByteTrack) and write a CityFlow-NL track file.",
        discussion: """
        Reads the detections of every frame from --detections (MOTChallenge det.txt: \
        frame, id, left, top, width, height, score, and optionally the COCO class: 2 car, 3 motorcycle, \
        5 bus, 7 truck), tracks them and writes the tracks with frames <camera>/img1/<frame>.jpg \
        (numbered from 1) and boxes [x, y, w, h], so that every command reading track files reads them \
        with --frames-root at the folder holding <camera>. Track ids are UUIDs derived from the camera, \
        each track's first frame and number, and --seed: the same detections give the same file.
        """
    )

    @Option(help: "MOTChallenge det.txt of the camera's detections.")
    var detections: String

    @Option(help: "Scene and camera of the frames, e.g. S01/c003 (or a folder path ending in them).")
    var camera: String

    @Option(help: "CityFlow-NL track file to write.")
    var out: String

    @Option(help: "Also write the tracks in MOTChallenge result format, for MOT scorers.")
    var motOut: String?

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
        guard TrackLayout(camera: camera) != nil else {
            throw ValidationError("--camera \(camera): expected a scene and a camera such as S01/c003")
        }
        guard (0..<1).contains(trackThresh) else { throw ValidationError("--track-thresh must be in [0, 1)") }
        guard matchThresh > 0, matchThresh <= 1 else { throw ValidationError("--match-thresh must be in (0, 1]") }
        guard trackBuffer >= 0 else { throw ValidationError("--track-buffer must not be negative") }
        guard minLength >= 1 else { throw ValidationError("--min-length must be at least 1") }
    }

    /// Where the detections come from; a detector run over a video is the other source to come.
    enum DetectionSource {
        case motFile(URL)

        /// Every frame's detections, keyed by frame number from 1.
        func detectionsByFrame() throws -> [Int: [Detection]] {
            switch self {
            case let .motFile(url): try MOTDetections.load(from: url)
            }
        }
    }

    func run() async throws {
        try Outputs.check(files: ["--out": out, "--mot-out": motOut])
        guard let layout = TrackLayout(camera: camera) else { throw ValidationError("--camera \(camera): expected a scene and a camera") }
        let byFrame = try DetectionSource.motFile(URL(fileURLWithPath: detections)).detectionsByFrame()
        var tracker = ByteTracker(configuration: trackerConfiguration)
        guard let first = byFrame.keys.min(), let last = byFrame.keys.max() else { throw DataError.empty(file: detections) }
        for frame in first...last { tracker.update(frame: frame, detections: byFrame[frame] ?? []) }
        let found = tracker.tracks()
        guard !found.isEmpty else {
            throw ValidationError("\(detections): no track lasted \(minLength) frames; no file written")
        }
        let tracks = layout.tracks(found, seed: seed)
        try TrackFile.write(tracks, to: URL(fileURLWithPath: out))
        if let motOut { try AtomicFile.write(Data(MOTResults.text(found).utf8), to: URL(fileURLWithPath: motOut)) }
        printError("\(tracks.count) tracks over frames \(first)-\(last) (\(byFrame.values.map(\.count).reduce(0, +)) detections); wrote \(out)")
    }

    var trackerConfiguration: ByteTracker.Configuration {
        var c = ByteTracker.Configuration()
        c.trackThreshold = trackThresh
        c.birthThreshold = trackThresh + 0.1
        c.matchThreshold = matchThresh
        c.trackBuffer = trackBuffer
        c.minimumLength = minLength
        return c
    }
}
