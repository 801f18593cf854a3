import Foundation
import SightlineData
import SightlineTestSupport
import Testing

struct FitWeightsCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-fit")

    /// Left turns, right turns and straight drives on three cameras, each described truthfully.
    func describedTracks() -> [Track] {
        func line(_ a: (Double, Double), _ b: (Double, Double)) -> [Box] {
            (0...10).map { i in Box(x: a.0 + (b.0 - a.0) * Double(i) / 10, y: a.1 + (b.1 - a.1) * Double(i) / 10, w: 40, h: 40) }
        }
        let paths: [(String, [Box])] = [
            ("A car turns left.", line((500, 900), (500, 500)) + line((500, 500), (100, 500))),
            ("A car turns right.", line((500, 900), (500, 500)) + line((500, 500), (900, 500))),
            ("A car goes straight.", line((500, 900), (500, 100))),
        ]
        return (0..<9).map { i in
            let (text, boxes) = paths[i % 3]
            return Track(id: "t\(i)", frames: SampleTracks.frames("c00\(i / 3 + 1)", boxes.count), boxes: boxes, nl: [text])
        }
    }

    @Test func fitsWritesAFileTheRankingReadsAndReportsHeldOutFigures() throws {
        let tracks = dir.file("tracks.json")
        try CityFlowFileWriter.write(describedTracks(), to: tracks)
        let out = dir.file("weights.json")
        let fit = try SightlineTool.run(["fit-weights", "--tracks", tracks.path, "--out", out.path])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("S01/c001"))
        #expect(fit.stdout.contains("pooled"))
        #expect(fit.stderr.contains("fold 3/3"))
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: out)) as? [String: Any]
        let weights = written?["weights"] as? [String: Double]
        #expect((weights?["motion"] ?? 0) > 0)
        #expect(written?["fitted_terms"] as? [String] != nil)
        #expect((written?["held_out"] as? [String: Any])?["queries"] as? Int == 9)

        let evaluate = try SightlineTool.run(["evaluate", "--tracks", tracks.path, "--weights", out.path])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("queries 9"))
    }

    @Test func undescribedTrackIsRefusedWithoutOutput() throws {
        var tracks = describedTracks()
        tracks[4].nl = []
        let file = dir.file("tracks.json")
        try CityFlowFileWriter.write(tracks, to: file)
        let out = dir.file("weights.json")
        let fit = try SightlineTool.run(["fit-weights", "--tracks", file.path, "--out", out.path])
        #expect(fit.status != 0)
        #expect(fit.stderr.contains(file.path))
        #expect(fit.stderr.contains("t4"))
        #expect(fit.stderr.contains("'nl'"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func badWeightsFileNamesTheTerm() throws {
        let tracks = dir.file("tracks.json")
        try CityFlowFileWriter.write(describedTracks(), to: tracks)
        let weights = try dir.write("w.json", #"{"weights": {"shape": 1}}"#)
        let result = try SightlineTool.run(["evaluate", "--tracks", tracks.path, "--weights", weights.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("w.json"))
        #expect(result.stderr.contains("shape"))
    }
}
