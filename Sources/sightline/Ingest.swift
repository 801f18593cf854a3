import ArgumentParser
import Foundation
import SightlineData
import SightlineEngine
import SightlineTracking
import SightlineVideo

struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Detect, track and describe the vehicles of camera videos and add them to an index, in one command; resumable.",
        discussion: """
        Each video is one camera: its vehicles are detected frame by frame (YOLOX-Nano), tracked (ByteTrack) \
        and described from their crops (colour, type, embedding; the camera's background and motion maps \
        from the video's frames), then added to --db: what `detect-tracks --video` and `index add \
        --frames-root` do, with the same tracks and ids. All videos are opened and the index's versions checked \
        before anything is written: a missing or corrupt video, a bad camera name or an index of other \
        feature versions stops the command with nothing added.

        The state folder (--state; default <db>.ingest beside a SQLite file) holds, per camera, a link \
        <camera>/vdo.<ext> to the video, which is where the index's frames root points: `search`, `serve` \
        (thumbnails, motion maps) and `index add` read the frames from the video through it, so the video must stay \
        where it is. Beside the link, det.txt and progress.json hold the detections frame by frame: a killed ingest \
        run again with the same arguments resumes after the last detected frame, and a camera whose tracks are in the \
        index already (ingested.json) is skipped. tracks.json is the camera's track file (frames root: the state folder). Tracks are added again by their ids (derived from the camera, \
        first frame, number and --seed), which replaces them, so nothing is duplicated; tracks an earlier ingest \
        of the camera stored that the new settings no longer find are removed.
        """)

    @Argument(help: "Videos (any file FFmpeg reads), one camera each.")
    var videos: [String]

    @Option(help: "Scene and camera of each video, in order, e.g. S01/c003 (default: from the path when it ends in <scene>/<camera>/<file>, as CityFlow's S01/c003/vdo.avi).")
    var camera: [String] = []

    @OptionGroup var index: IndexOptions

    @Option(help: "Folder of the ingest's state: links to the videos, detections so far (default: <db>.ingest; needed with a PostgreSQL --db).")
    var state: String?

    @Option(help: "FFmpeg decoding threads per video.")
    var decoderThreads = 1

    @Option(help: "Tracks per transaction (a camera's tracks always share one).")
    var batchSize = 2000

    @OptionGroup(title: "Detection") var detector: DetectorOptions
    @OptionGroup(title: "Tracking") var tracker: TrackerOptions
    @OptionGroup var learned: LearnedModelOptions
    @OptionGroup(title: "Pixels") var pixels: PixelSettings
    @OptionGroup var missingFrames: MissingFrameOptions

    func validate() throws {
        guard !videos.isEmpty else { throw ValidationError("give at least one video") }
        guard camera.isEmpty || camera.count == videos.count else {
            throw ValidationError("give one --camera per video (\(videos.count) video\(videos.count == 1 ? "" : "s"), \(camera.count) --camera) or none")
        }
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        guard decoderThreads >= 0 else { throw ValidationError("--decoder-threads must not be negative") }
        _ = try stateFolder()
        let layouts = try zip(videos, cameraNames()).map { try Self.layout(camera: $1, video: $0) }
        var seen: [String: String] = [:]
        for (video, layout) in zip(videos, layouts) {
            if let other = seen[layout.camera] {
                throw ValidationError("--camera \(layout.camera) is given to both \(other) and \(video): each video is a camera of its own")
            }
            seen[layout.camera] = video
        }
    }

    func run() async throws {
        let root = try stateFolder()
        let model = try VehicleDetector()
        let cameras = try plan(root: root, detectorSettings: detector.settings(model))
        let adding = IndexAdding(db: index.db, layout: try learned.layout(), pixels: pixels, batchSize: batchSize, strict: missingFrames.strict)
        try await adding.checkCompatible()
        let detection = FrameDetection(detector: model, options: detector.options, threads: pixels.describer.engine.threadConfig)
        for camera in cameras { try detect(camera, with: detection) }
        for camera in cameras { try await addTracks(of: camera, root: root, adding: adding) }
    }

    // MARK: planning

    /// One video and where its state goes.
    struct Camera {
        var video: String
        var layout: TrackLayout
        var folder: URL
        var frameCount: Int
        /// The video's path, size and modification time, which a resumed run must find unchanged.
        var source: String
        /// The detector's settings, which a resumed run must share.
        var settings: String
    }

    /// The state folder, with an error when none can be derived from --db.
    func stateFolder() throws -> URL {
        if let state { return URL(fileURLWithPath: state).standardizedFileURL }
        guard !index.db.contains("://") else { throw ValidationError("--state: give the ingest's state folder with a PostgreSQL --db") }
        return URL(fileURLWithPath: index.db + ".ingest").standardizedFileURL
    }

    /// The --camera values, or each video's default.
    func cameraNames() throws -> [String] {
        guard camera.isEmpty else { return camera }
        return try videos.map { video in
            let parts = URL(fileURLWithPath: video).standardizedFileURL.pathComponents.dropLast().suffix(2)
            let name = parts.joined(separator: "/")
            guard parts.count == 2, TrackLayout(camera: name) != nil else {
                throw ValidationError("\(video): give its --camera (such as S01/c003): its path does not end in <scene>/<camera>/<file>")
            }
            return name
        }
    }

    /// The layout of `camera`, kept to its scene and camera folders.
    static func layout(camera: String, video: String) throws -> TrackLayout {
        guard let named = TrackLayout(camera: camera), let layout = TrackLayout(camera: "\(named.sceneName)/\(named.cameraName)") else {
            throw ValidationError("--camera \(camera) (of \(video)): expected a scene and a camera such as S01/c003")
        }
        return layout
    }

    /// Every video opened (a missing or corrupt one stops here, named) and checked against the state it left.
    func plan(root: URL, detectorSettings: String) throws -> [Camera] {
        try zip(videos, cameraNames()).map { video, name in
            let layout = try Self.layout(camera: name, video: video)
            let path = URL(fileURLWithPath: video).standardizedFileURL.resolvingSymlinksInPath().path
            let decoder = try VideoDecoder(path: video)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let folder = root.appendingPathComponent(layout.camera)
            if let linked = Self.linkedVideo(in: folder), linked != path {
                throw ValidationError("\(video): camera \(layout.camera) of this index was ingested from \(linked) (\(folder.path)); give this video another --camera")
            }
            return Camera(video: path, layout: layout, folder: folder, frameCount: decoder.frameCount,
                          source: "\(path) \(size) bytes modified \(modified)", settings: detectorSettings)
        }
    }

    /// The video a camera folder's `vdo.*` link points at, if any.
    static func linkedVideo(in folder: URL) -> String? {
        for name in VideoNames.all {
            let link = folder.appendingPathComponent(name).path
            if let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: link) { return destination }
        }
        return nil
    }

    /// The name the link to `video` gets, so that `CityFlowFrames` finds it: the container's usual one.
    static func linkName(of video: String) -> String {
        switch (video as NSString).pathExtension.lowercased() {
        case "avi": "vdo.avi"
        case "mkv", "webm": "vdo.mkv"
        default: "vdo.mp4"
        }
    }

    // MARK: detecting

    /// Detects the frames the camera's log does not hold yet, appending them to it.
    func detect(_ camera: Camera, with detection: FrameDetection) throws {
        let folder = camera.folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if Self.linkedVideo(in: folder) == nil {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(Self.linkName(of: camera.video)).path,
                                                       withDestinationPath: camera.video)
        }
        let fresh = DetectionLog.Progress(source: camera.source, settings: camera.settings, frameCount: camera.frameCount)
        var progress = fresh
        if let stored = try DetectionLog.load(from: folder)?.progress {
            if stored.source == fresh.source, stored.settings == fresh.settings, stored.frameCount == fresh.frameCount {
                progress = stored
            } else {
                printError("ingest: \(camera.layout.camera): the detections in \(folder.path) are of another video file or detector setting; detecting again")
            }
        }
        if progress.isComplete {
            printError("ingest: \(camera.layout.camera): all \(camera.frameCount) frames detected before")
            return
        }
        if progress.framesDone > 0 {
            printError("ingest: \(camera.layout.camera): resuming at frame \(progress.framesDone + 1) of \(camera.frameCount)")
        }
        let log = try DetectionLog.Writer(folder: folder, progress: progress)
        let decoder = try VideoDecoder(path: camera.video, threads: decoderThreads)
        try detection.run(Array((progress.framesDone + 1)...camera.frameCount), label: "ingest \(camera.layout.camera)",
                          total: camera.frameCount, done: progress.framesDone,
                          frame: { try decoder.frame($0) }, found: { try log.append(frame: $0, detections: $1) })
    }

    // MARK: indexing

    /// What went into the index for a camera: `ingested.json` in its state folder.
    struct Record: Codable, Equatable {
        /// The detector, tracker and pixel settings the tracks come from.
        var settings: String
        var ids: [String]
    }

    /// Tracks the camera's detections and adds the tracks, unless the index holds them already. The
    /// tracks are written as the camera's track file and added as read back from it, as `index add
    /// --tracks` adds `detect-tracks`' file: in the same order, so with the same features to the last bit.
    func addTracks(of camera: Camera, root: URL, adding: IndexAdding) async throws {
        guard let byFrame = try DetectionLog.load(from: camera.folder)?.detections else {
            throw ValidationError("\(camera.folder.path): no detections")
        }
        let tracks = camera.layout.tracks(ByteTracker.tracks(of: byFrame, configuration: tracker.configuration), seed: tracker.seed)
        let record = Record(settings: "\(camera.settings); \(tracker.settings); \(pixels.modelDescription)", ids: tracks.map(\.id))
        let recordFile = camera.folder.appendingPathComponent("ingested.json")
        let previous = FileManager.default.contents(atPath: recordFile.path).flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
        if previous == record, try await indexHolds(record.ids, camera: camera.layout.camera) {
            printError("ingest: \(camera.layout.camera): its \(tracks.count) tracks are in the index already")
            return
        }
        var written: [Track] = []
        if !tracks.isEmpty {
            let file = camera.folder.appendingPathComponent("tracks.json")
            try TrackFile.write(tracks, to: file)
            written = try TrackFile.load(from: file)
        }
        printError("ingest: \(camera.layout.camera): \(tracks.count) tracks over \(camera.frameCount) frames (\(byFrame.values.map(\.count).reduce(0, +)) detections)")
        try await adding.add(written, framesRoot: root.path, replacing: previous?.ids ?? [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(record), to: recordFile)
    }

    /// Whether the index's tracks of `camera` are exactly `ids`.
    private func indexHolds(_ ids: [String], camera: String) async throws -> Bool {
        if !index.db.contains("://"), !FileManager.default.fileExists(atPath: index.db) { return false }
        let stored = try? await withIndex(index.db, layout: try learned.layout(), access: .read) { try await $0.tracks(ofCamera: camera) }
        return stored.map { Set($0.map(\.id)) == Set(ids) } ?? false
    }
}
