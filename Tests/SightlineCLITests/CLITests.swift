import Foundation
import SightlineData
import SightlineTestSupport
import Testing

/// Runs the built `sightline` tool as a user would and checks exit status, messages and files.
struct CLITests {
    let dir = TemporaryDirectory(prefix: "sightline-cli")

    func write(_ name: String, _ text: String) throws -> String {
        try dir.write(name, text).path
    }

    /// A track file of a left turn on c001 and a straight drive on c002.
    func writeTracks(_ name: String) throws -> String {
        let file = dir.file(name)
        try CityFlowFileWriter.write(Array(SampleTracks.turnStraightStop.prefix(2)), to: file)
        return file.path
    }

    @Test func rankWritesASubmissionAndEvaluateScoresIt() throws {
        let tracks = try writeTracks("tracks.json")
        let queries = try write("queries.json", #"{"q1": ["A red car turns left.", "A car turning left.", "A sedan."], "q2": {"nl": ["A car goes straight."], "nl_other_views": []}}"#)
        let out = dir.file("sub.json").path
        let explain = dir.file("explain.json").path
        let rank = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", queries, "--out", out, "--explain", explain])
        #expect(rank.status == 0, "\(rank.stderr)")
        let submission = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: [String]]
        #expect(submission?["q1"] == ["left", "straight"])
        #expect(submission?["q2"] == ["straight", "left"])
        let explanation = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: explain))) as? [String: Any]
        #expect(explanation?["q1"] != nil)

        let truth = try write("truth.json", #"{"q1": "left", "q2": "left"}"#)
        let evaluate = try SightlineTool.run(["evaluate", "--submission", out, "--truth", truth, "--per-query", dir.file("pq.csv").path])
        #expect(evaluate.status == 0)
        #expect(evaluate.stdout.contains("MRR 0.7500"))
        #expect(evaluate.stdout.contains("R@1 0.5000"))
    }

    @Test func badInputExitsNonZeroNamingFileIdAndFieldWithoutOutput() throws {
        let bad = Track(id: "t7", frames: SampleTracks.frames("c001", 2), boxes: [Box(x: 1, y: 2, w: 3, h: 4)])
        let tracks = dir.file("bad.json")
        try CityFlowFileWriter.write([bad], to: tracks)
        let queries = try write("queries.json", #"{"q1": ["A car."]}"#)
        let out = dir.file("sub.json")
        let result = try SightlineTool.run(["rank", "--tracks", tracks.path, "--queries", queries, "--out", out.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.json"))
        #expect(result.stderr.contains("t7"))
        #expect(result.stderr.contains("'frames' has 2 entries but 'boxes' has 1"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(dir.contents.filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func unknownTermIsAUsageError() throws {
        let result = try SightlineTool.run(["evaluate", "--tracks", try writeTracks("t.json"), "--terms", "shape"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("unknown term 'shape'"))
    }

    @Test func unknownBenchCaseIsAUsageErrorListingTheCases() throws {
        let result = try SightlineTool.run(["bench", "engine", "--case", "minilm:2"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown case 'minilm:2'"))
        #expect(result.stderr.contains("efficientnet-lite0:16"))
        #expect(result.stdout.isEmpty)
    }

    @Test func benchLearningTimesTheTrainingStepAndTheEncoder() throws {
        let result = try SightlineTool.run(["bench", "learning", "--batch", "4", "--steps", "3", "--seconds", "0", "--json"],
                                           environment: ["SIGHTLINE_TORCH_VENV": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(rows.map { $0["case"] as? String } == ["two-tower step", "trajectory encoder fwd+bwd"])
        #expect(rows.allSatisfy { ($0["per_second"] as? Double ?? 0) > 0 && $0["runtime"] as? String == "swift" && $0["batch"] as? Int == 4 })
    }

    @Test func benchLearningRefusesAVenvWithoutPythonBeforeMeasuring() throws {
        let result = try SightlineTool.run(["bench", "learning", "--batch", "4", "--seconds", "0"],
                                           environment: ["SIGHTLINE_TORCH_VENV": "/nonexistent-venv"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent-venv/bin/python is not an executable"))
        #expect(result.stdout.isEmpty)
    }
}
