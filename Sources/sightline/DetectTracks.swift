import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlinePixels
import SightlineTracking
import SightlineVideo

struct DetectTracks: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-tracks",
        abstract: "Track vehicles through one camera's detections (ByteTrack) and write a CityFlow-NL track file.",
        discussion: """
        Detects vehicles with the native YOLOX-Nano in every frame of --video (any file FFmpeg reads) or of \
        --frames (a folder of <frame>.jpg, numbered as CityFlow's img1 folders), or reads the detections of \
        every frame from --detections (MOTChallenge det.txt: frame, id, left, top, width, height, score, and \
        optionally the COCO class: 2 car, 3 motorcycle, 5 bus, 7 truck); tracks them and writes the tracks with frames <camera>/img1/<frame>.jpg \
        (numbered from 1) and boxes [x, y, w, h], so that every command reading track files reads them \
        with --frames-root at the folder holding <camera>. Track ids are UUIDs derived from the camera, \
        each track's first frame and number, and --seed: the same detections give the same file.
        """
    )

    @Option(help: "MOTChallenge det.txt of the camera's detections.")
    var detections: String?

    @Option(help: "Video of the camera: its vehicles are detected with YOLOX-Nano frame by frame (frame 1 is the first).")
    var video: String?

    @Option(help: "Folder of the camera's frames as <frame>.jpg (CityFlow's img1): detected frame by frame.")
    var frames: String?

    @Option(help: "With --video or --frames: also write the detections as MOTChallenge det.txt.")
    var detectionsOut: String?

    @OptionGroup var detector: DetectorOptions

    @Option(help: "Detector threads (default: every active core).")
    var threads: Int?

    @Option(help: "Scene and camera of the frames, e.g. S01/c003 (or a folder path ending in them).")
    var camera: String

    @Option(help: "CityFlow-NL track file to write.")
    var out: String

    @Option(help: "Also write the tracks in MOTChallenge result format, for MOT scorers.")
    var motOut: String?

    @OptionGroup var tracker: TrackerOptions

    func validate() throws {
        guard [detections, video, frames].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --detections, --video and --frames")
        }
        guard detectionsOut == nil || detections == nil else { throw ValidationError("--detections-out needs --video or --frames") }
        guard TrackLayout(camera: camera) != nil else {
            throw ValidationError("--camera \(camera): expected a scene and a camera such as S01/c003")
        }
    }

    /// Where the detections come from: a det.txt file, or the detector over a video or a frame folder.
    enum DetectionSource {
        case motFile(URL)
        case video(String)
        case frames(URL)
    }

    /// The source the options name.
    var source: DetectionSource {
        if let video { return .video(video) }
        if let frames { return .frames(URL(fileURLWithPath: frames)) }
        return .motFile(URL(fileURLWithPath: detections ?? ""))
    }

    /// Every frame's detections, keyed by frame number from 1, with what was read for messages.
    func detectionsByFrame() throws -> (byFrame: [Int: [Detection]], input: String) {
        switch source {
        case let .motFile(url):
            return (try MOTDetections.load(from: url), url.path)
        case let .video(path):
            let decoder = try VideoDecoder(path: path)
            return (try detect(frames: Array(1...max(1, decoder.frameCount)), input: path) { try decoder.frame($0) }, path)
        case let .frames(folder):
            let numbered = try Self.numberedImages(in: folder)
            let names = Dictionary(numbered.map { ($0.number, $0.name) }, uniquingKeysWith: { first, _ in first })
            return (try detect(frames: names.keys.sorted(), input: folder.path) { n in
                try ImageDecoder.decode(path: folder.appendingPathComponent(names[n] ?? "\(n).jpg").path)
            }, folder.path)
        }
    }

    /// The `<number>.jpg` files of a frame folder, in frame order.
    static func numberedImages(in folder: URL) throws -> [(number: Int, name: String)] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw ValidationError("--frames \(folder.path): cannot list the folder: \(error.localizedDescription)")
        }
        let numbered = names.compactMap { name -> (number: Int, name: String)? in
            guard name.lowercased().hasSuffix(".jpg") || name.lowercased().hasSuffix(".jpeg"),
                  let n = Int(name.split(separator: ".")[0]), n >= 1 else { return nil }
            return (n, name)
        }.sorted { $0.number < $1.number }
        guard !numbered.isEmpty else { throw ValidationError("--frames \(folder.path): no <frame>.jpg files") }
        return numbered
    }

    /// The detector over the frames in order, with progress on stderr.
    private func detect(frames numbers: [Int], input: String, frame: (Int) throws -> RGBImage) throws -> [Int: [Detection]] {
        try FrameDetection(detector: try VehicleDetector(), options: detector.options, threads: ThreadConfig(threads: threads))
            .detections(numbers, label: input, frame: frame)
    }

    func run() async throws {
        try Outputs.check(files: ["--out": out, "--mot-out": motOut, "--detections-out": detectionsOut])
        guard let layout = TrackLayout(camera: camera) else { throw ValidationError("--camera \(camera): expected a scene and a camera") }
        let (byFrame, input) = try detectionsByFrame()
        guard let first = byFrame.keys.min(), let last = byFrame.keys.max() else { throw DataError.empty(file: input) }
        let found = ByteTracker.tracks(of: byFrame, configuration: tracker.configuration)
        guard !found.isEmpty else {
            throw ValidationError("\(input): no track lasted \(tracker.minLength) frames; no file written")
        }
        let tracks = layout.tracks(found, seed: tracker.seed)
        try TrackFile.write(tracks, to: URL(fileURLWithPath: out))
        if let motOut { try AtomicFile.write(Data(MOTResults.text(found).utf8), to: URL(fileURLWithPath: motOut)) }
        if let detectionsOut { try AtomicFile.write(Data(MOTDetections.text(byFrame).utf8), to: URL(fileURLWithPath: detectionsOut)) }
        printError("\(tracks.count) tracks over frames \(first)-\(last) (\(byFrame.values.map(\.count).reduce(0, +)) detections); wrote \(out)")
    }
}
