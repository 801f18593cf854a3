import Foundation

/// One camera's detections written frame by frame as a detector finds them, so that a killed run
/// resumes after the last frame it finished: `det.txt` in a folder (MOTChallenge lines, appended;
/// `sightline detect-tracks --detections` reads it) and `progress.json` beside it (what is
/// detected, with which settings, the frames done and how many bytes of `det.txt` hold them),
/// replaced atomically after each frame. Bytes past that count, from a run killed mid-frame, are
/// cut off when the log is reopened.
public enum DetectionLog {
    /// The contents of `progress.json`.
    public struct Progress: Codable, Sendable, Equatable {
        /// What the detections are of, e.g. a video's path, size and modification time.
        public var source: String
        /// The detector and its settings.
        public var settings: String
        public var frameCount: Int
        /// Frames 1...framesDone are detected.
        public var framesDone: Int
        /// Bytes of `det.txt` holding those frames.
        public var bytes: Int

        public init(source: String, settings: String, frameCount: Int, framesDone: Int = 0, bytes: Int = 0) {
            self.source = source
            self.settings = settings
            self.frameCount = frameCount
            self.framesDone = framesDone
            self.bytes = bytes
        }

        public var isComplete: Bool { framesDone >= frameCount }
    }

    public static func detectionsFile(in folder: URL) -> URL { folder.appendingPathComponent("det.txt") }
    public static func progressFile(in folder: URL) -> URL { folder.appendingPathComponent("progress.json") }

    /// The progress and the detections of the frames done, or nil where no log was started.
    /// A progress file that does not decode, or a `det.txt` shorter than it says, is an error naming the file.
    public static func load(from folder: URL) throws(DataError) -> (progress: Progress, detections: [Int: [Detection]])? {
        let progressURL = progressFile(in: folder)
        guard FileManager.default.fileExists(atPath: progressURL.path) else { return nil }
        let stored = Data(try InputFile.contents(progressURL.path))
        let progress: Progress
        do { progress = try JSONDecoder().decode(Progress.self, from: stored) } catch {
            throw .malformedJSON(file: progressURL.path, detail: "not a detection log's progress: \(error)")
        }
        let detections = detectionsFile(in: folder)
        let bytes = FileManager.default.fileExists(atPath: detections.path) ? try InputFile.contents(detections.path) : []
        guard progress.bytes >= 0, bytes.count >= progress.bytes else {
            throw .malformedLine(file: detections.path, line: 1, reason: "holds \(bytes.count) bytes, fewer than the \(progress.bytes) \(progressURL.lastPathComponent) counts")
        }
        let text = String(decoding: bytes.prefix(progress.bytes), as: UTF8.self)
        guard text.contains(where: { !$0.isWhitespace }) else { return (progress, [:]) }
        return (progress, try MOTDetections.parse(text, file: detections.path))
    }

    /// Appends frames to a log, in order; not thread-safe.
    public final class Writer {
        public private(set) var progress: Progress
        private let folder: URL
        private let handle: FileHandle

        /// Continues the log at `progress` (a new one when `framesDone` is 0), cutting `det.txt` to the bytes it counts.
        public init(folder: URL, progress: Progress) throws(DataError) {
            self.folder = folder
            self.progress = progress
            let detections = DetectionLog.detectionsFile(in: folder)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: detections.path) {
                    guard FileManager.default.createFile(atPath: detections.path, contents: nil) else {
                        throw DataError.unwritable(file: detections.path, reason: "cannot create it")
                    }
                }
                handle = try FileHandle(forWritingTo: detections)
                try handle.truncate(atOffset: UInt64(progress.bytes))
                try handle.seekToEnd()
            } catch let error as DataError {
                throw error
            } catch {
                throw .unwritable(file: detections.path, reason: "\(error.localizedDescription)")
            }
            try save()
        }

        deinit { try? handle.close() }

        /// Records the next frame's detections: appended to `det.txt`, then counted in `progress.json`.
        public func append(frame: Int, detections: [Detection]) throws(DataError) {
            guard frame == progress.framesDone + 1 else {
                throw .unwritable(file: DetectionLog.progressFile(in: folder).path, reason: "frame \(frame) does not follow frame \(progress.framesDone)")
            }
            let data = Data(MOTDetections.text([frame: detections]).utf8)
            do {
                try handle.write(contentsOf: data)
            } catch {
                throw .unwritable(file: DetectionLog.detectionsFile(in: folder).path, reason: "\(error.localizedDescription)")
            }
            progress.framesDone = frame
            progress.bytes += data.count
            try save()
        }

        private func save() throws(DataError) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data: Data
            do { data = try encoder.encode(progress) } catch {
                throw .unwritable(file: DetectionLog.progressFile(in: folder).path, reason: "\(error)")
            }
            try AtomicFile.write(data, to: DetectionLog.progressFile(in: folder))
        }
    }
}
