import Foundation
import Testing

/// Runs the built `sightline` tool as a user would and checks exit status, messages and files.
struct CLITests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sightline")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static func run(_ arguments: [String]) throws -> Result {
        let binary = try #require(Self.binary, "the sightline executable was not built next to the test bundle")
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    let dir: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try? Data(text.utf8).write(to: url)
        return url.path
    }

    static let tracks = #"""
    {"left": {"frames": ["S01/c001/img1/000001.jpg", "S01/c001/img1/000002.jpg", "S01/c001/img1/000003.jpg", "S01/c001/img1/000004.jpg", "S01/c001/img1/000005.jpg"],
              "boxes": [[500, 900, 40, 40], [500, 700, 40, 40], [500, 500, 40, 40], [300, 500, 40, 40], [100, 500, 40, 40]]},
     "straight": {"frames": ["S01/c002/img1/000001.jpg", "S01/c002/img1/000002.jpg", "S01/c002/img1/000003.jpg", "S01/c002/img1/000004.jpg"],
              "boxes": [[500, 900, 40, 40], [500, 700, 40, 40], [500, 500, 40, 40], [500, 300, 40, 40]]}}
    """#

    @Test func rankWritesASubmissionAndEvaluateScoresIt() throws {
        let tracks = write("tracks.json", Self.tracks)
        let queries = write("queries.json", #"{"q1": ["A red car turns left.", "A car turning left.", "A sedan."], "q2": {"nl": ["A car goes straight."], "nl_other_views": []}}"#)
        let out = dir.appendingPathComponent("sub.json").path
        let explain = dir.appendingPathComponent("explain.json").path
        let rank = try Self.run(["rank", "--tracks", tracks, "--queries", queries, "--out", out, "--explain", explain])
        #expect(rank.status == 0, "\(rank.stderr)")
        let submission = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: [String]]
        #expect(submission?["q1"] == ["left", "straight"])
        #expect(submission?["q2"] == ["straight", "left"])
        let explanation = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: explain))) as? [String: Any]
        #expect(explanation?["q1"] != nil)

        let truth = write("truth.json", #"{"q1": "left", "q2": "left"}"#)
        let evaluate = try Self.run(["evaluate", "--submission", out, "--truth", truth, "--per-query", dir.appendingPathComponent("pq.csv").path])
        #expect(evaluate.status == 0)
        #expect(evaluate.stdout.contains("MRR 0.7500"))
        #expect(evaluate.stdout.contains("R@1 0.5000"))
    }

    @Test func badInputExitsNonZeroNamingFileIdAndFieldWithoutOutput() throws {
        let tracks = write("bad.json", #"{"t7": {"frames": ["S01/c001/img1/000001.jpg", "S01/c001/img1/000002.jpg"], "boxes": [[1, 2, 3, 4]]}}"#)
        let queries = write("queries.json", #"{"q1": ["A car."]}"#)
        let out = dir.appendingPathComponent("sub.json")
        let result = try Self.run(["rank", "--tracks", tracks, "--queries", queries, "--out", out.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.json"))
        #expect(result.stderr.contains("t7"))
        #expect(result.stderr.contains("'frames' has 2 entries but 'boxes' has 1"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.filter { $0.hasPrefix(".") }.isEmpty == true)
    }

    @Test func unknownTermIsAUsageError() throws {
        let result = try Self.run(["evaluate", "--tracks", write("t.json", Self.tracks), "--terms", "shape"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown term 'shape'"))
    }

    @Test func unknownBenchCaseIsAUsageErrorListingTheCases() throws {
        let result = try Self.run(["bench", "engine", "--case", "minilm:2"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown case 'minilm:2'"))
        #expect(result.stderr.contains("efficientnet-lite0:16"))
        #expect(result.stdout.isEmpty)
    }
}
