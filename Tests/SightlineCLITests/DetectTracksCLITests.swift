import Foundation
import SightlineData
import SightlineTestSupport
import Testing

/// `sightline detect-tracks`: MOTChallenge detections in, CityFlow-NL tracks and MOT results out.
struct DetectTracksCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-detect-tracks")

    /// Two cars over frames 1-8, one of them missed in frame 4 and low-scored in frame 6, plus noise.
    func detections() -> String {
        (1...8).flatMap { f -> [String] in
            var lines = ["\(f),-1,\(100 + 6 * f),200,60,40,0.91,2", "\(f),-1,\(900 - 4 * f),300,80,50,\(f == 6 ? "0.3" : "0.85"),7"]
            if f == 4 { lines.removeFirst() }
            if f == 5 { lines.append("\(f),-1,1500,800,30,30,0.2,2") }
            return lines
        }.joined(separator: "\n") + "\n"
    }

    @Test func writesCityFlowTracksThatOtherCommandsReadAndMOTResults() throws {
        let det = try dir.write("det.txt", detections()).path
        let out = dir.file("tracks.json").path, mot = dir.file("mot.txt").path
        let result = try SightlineTool.run(["detect-tracks", "--detections", det, "--camera", "S01/c003", "--out", out, "--mot-out", mot])
        #expect(result.status == 0, "\(result.stderr)")
        let tracks = try TrackFile.load(from: URL(fileURLWithPath: out))
        #expect(tracks.count == 2)
        #expect(tracks.allSatisfy { $0.frames.map(\.path) == (1...8).map { "S01/c003/img1/00000\($0).jpg" } })
        #expect(tracks[0].boxes[0] == Box(x: 106, y: 200, w: 60, h: 40))
        #expect(tracks[0].boxes[3] == Box(x: 124, y: 200, w: 60, h: 40))
        #expect(tracks[1].boxes[5] == Box(x: 876, y: 300, w: 80, h: 50))
        let lines = try String(contentsOfFile: mot, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 16)
        #expect(lines.contains("4,1,124.00,200.00,60.00,40.00,-1,-1,-1,-1"))
        #expect(lines.contains("6,2,876.00,300.00,80.00,50.00,0.3000,-1,-1,-1"))

        let trajectories = try SightlineTool.run(["trajectories", "--tracks", out])
        #expect(trajectories.status == 0, "\(trajectories.stderr)")
        #expect(trajectories.stdout.contains(tracks[0].id))

        let again = dir.file("again.json").path
        #expect(try SightlineTool.run(["detect-tracks", "--detections", det, "--camera", "S01/c003", "--out", again]).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: out)))
    }

    @Test func aBadDetectionLineNamesTheFileLineAndFieldAndWritesNothing() throws {
        let det = try dir.write("det.txt", "1,-1,10,20,30,40,0.9\n2,-1,10,20,-3,40,0.9\n").path
        let out = dir.file("tracks.json").path
        let result = try SightlineTool.run(["detect-tracks", "--detections", det, "--camera", "S01/c003", "--out", out])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(det): line 2: field 'width' (column 5) is -3.0"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func aCameraWithoutSceneIsAUsageError() throws {
        let det = try dir.write("det.txt", detections()).path
        let result = try SightlineTool.run(["detect-tracks", "--detections", det, "--camera", "c003", "--out", dir.file("t.json").path])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--camera c003"))
    }
}
