import Foundation
import Testing

/// The built `sightline` executable, run as a user would.
public enum SightlineTool {
    /// What a finished run printed and how it ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `sightline` built beside the test bundle (`.build/<configuration>/sightline`), if any.
    public static let binary: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sightline")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    /// `binary`, or a test failure saying it was not built.
    public static func requireBinary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(binary, "the sightline executable was not built next to the test bundle", sourceLocation: sourceLocation)
    }

    /// Runs the tool with `arguments` (and `environment` added to this process's) to the end.
    public static func run(_ arguments: [String], environment: [String: String] = [:],
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let process = try process(arguments, environment: environment, sourceLocation: sourceLocation)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A process for the tool with `arguments` (and `environment` added to this process's), not started.
    public static func process(_ arguments: [String], environment: [String: String] = [:],
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> Process {
        let process = Process()
        process.executableURL = try requireBinary(sourceLocation: sourceLocation)
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        return process
    }
}
