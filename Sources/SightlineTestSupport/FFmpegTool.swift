import Foundation
import Testing

/// The `ffmpeg` command (Debian's `ffmpeg` package), which tests use to make their videos in a
/// temporary folder; no video is kept in the repository.
public enum FFmpegTool {
    /// `ffmpeg` on `PATH`, if any.
    public static let binary: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("ffmpeg") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `ffmpeg -y -loglevel error` with `arguments`; a test failure with its stderr when it fails.
    public static func run(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tool: URL = try #require(binary, "ffmpeg is not installed", sourceLocation: sourceLocation)
        let process = Process()
        process.executableURL = tool
        process.arguments = ["-y", "-nostdin", "-loglevel", "error"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "ffmpeg \(arguments.joined(separator: " ")) failed: \(String(decoding: stderr, as: UTF8.self))",
                     sourceLocation: sourceLocation)
    }

    /// Encodes the CityFlow sample frames of S01/c003 (`000028.jpg` on) into `video` so that video
    /// frame N is image N: the first image is repeated for frames 1...27. `codec` are ffmpeg's
    /// output options; by default near-lossless H.264 in the frames' own full-range 4:2:0.
    public static func sampleCameraVideo(to video: URL, codec: [String] = ["-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuvj420p"],
                                         sourceLocation: SourceLocation = #_sourceLocation) throws {
        try FileManager.default.createDirectory(at: video.deletingLastPathComponent(), withIntermediateDirectories: true)
        let frames = TestData.sharedData(sampleFrames).appendingPathComponent("%06d.jpg").path
        try run(["-framerate", "10", "-start_number", "28", "-i", frames, "-vf", "tpad=start=27:start_mode=clone"] + codec + [video.path],
                sourceLocation: sourceLocation)
    }

    /// The sample frames `sampleCameraVideo` encodes, under `../shared/data`.
    public static let sampleFrames = "cityflow-sample/frames/train/S01/c003/img1"
}

extension Trait where Self == ConditionTrait {
    /// Skips the test unless the `ffmpeg` command is installed (scripts/apt-packages.txt lists it).
    public static var requiresFFmpeg: Self {
        .enabled(if: FFmpegTool.binary != nil, "ffmpeg is not installed (apt-get install ffmpeg): the test makes its videos with it")
    }
}
