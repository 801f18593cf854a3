import Foundation
import SightlineTestSupport
import Testing

/// The CLI on outputs that are not plain files and on tracks whose numbers are finite but extreme.
struct HostileInputCLITests {
    let cli = CLITests()
    var dir: URL { cli.dir.url }

    func write(_ name: String, _ text: String) throws -> String { try cli.write(name, text) }

    static func trackFile(_ boxes: [[String]]) -> String {
        let entries = boxes.enumerated().map { t, list in
            let frames = list.indices.map { "\"S01/c001/img1/\(String(format: "%06d", t * 100 + $0 + 1)).jpg\"" }.joined(separator: ", ")
            return "\"t\(t)\": {\"frames\": [\(frames)], \"boxes\": [\(list.joined(separator: ", "))]}"
        }
        return "{" + entries.joined(separator: ", ") + "}"
    }

    static let hugeTracks = trackFile([
        ["[1, 1, 10, 10]", "[2, 2, 10, 10]", "[3, 3, 10, 10]"],
        ["[1, 1, 10, 10]", "[2, 2, 10, 10]", "[-1e308, 1e308, 1e308, 1e308]"],
    ])

    static let extremeTracks = trackFile([
        ["[-100000, 100000, 100000, 100000]", "[100000, -100000, 100000, 100000]", "[-100000, -100000, 100000, 100000]", "[100000, 100000, 100000, 100000]"],
        ["[100000, -100000, 1e-300, 1e-300]", "[99999, -100000, 1e-300, 1e-300]", "[99998, -100000, 1e-300, 1e-300]"],
        ["[100000, 100000, 1e-300, 1e-300]", "[100000, 100000, 1e-300, 1e-300]", "[100000, 100000, 1e-300, 1e-300]"],
        ["[-100000, 100000, 1e-300, 100000]", "[100000, -100000, 100000, 1e-300]", "[-100000, 100000, 1e-300, 100000]"],
    ])

    func queries() throws -> String {
        try write("queries.json", #"{"q1": ["A red sedan turns left at the intersection.", "A big truck going straight followed by a black SUV.", "A car stops."]}"#)
    }

    @Test(arguments: [["rank", "--queries", "Q", "--out", "OUT", "--explain", "EXPLAIN"], ["index", "add", "--db", "DB"]])
    func hugeBoxesAreRefusedNamingFileTrackAndField(command: [String]) throws {
        let tracks = try write("huge.json", Self.hugeTracks)
        let queryFile = try queries()
        let out = dir.appendingPathComponent("sub.json").path
        let arguments = [command[0]] + (command[0] == "index" ? [command[1]] : []) + ["--tracks", tracks]
            + command.dropFirst(command[0] == "index" ? 2 : 1).map {
                $0 == "Q" ? queryFile : $0 == "OUT" ? out : $0 == "EXPLAIN" ? dir.appendingPathComponent("explain.json").path
                    : $0 == "DB" ? dir.appendingPathComponent("i.sqlite").path : $0
            }
        let result = try SightlineTool.run(arguments)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("huge.json") && result.stderr.contains("t1") && result.stderr.contains("boxes[2]"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func rankExplainsExtremeButValidBoxes() throws {
        let tracks = try write("extreme.json", Self.extremeTracks)
        let out = dir.appendingPathComponent("sub.json").path, explain = dir.appendingPathComponent("explain.json").path
        let result = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", out, "--explain", explain])
        #expect(result.status == 0, "\(result.stderr)")
        let submission = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [String: [String]]
        #expect(submission?["q1"]?.count == 4)
        let explanation = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: explain))) as? [String: Any]
        #expect(explanation?["q1"] != nil)
    }

    @Test func indexAddAcceptsExtremeButValidBoxes() throws {
        let tracks = try write("extreme.json", Self.extremeTracks)
        let result = try SightlineTool.run(["index", "add", "--tracks", tracks, "--db", dir.appendingPathComponent("i.sqlite").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("4 added"), "\(result.stderr)")
    }

    @Test func rankWritesTheSubmissionToStandardOutput() throws {
        let tracks = try cli.writeTracks("tracks.json")
        let result = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", "/dev/stdout"])
        #expect(result.status == 0, "\(result.stderr)")
        let submission = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String]]
        #expect(submission?["q1"]?.count == 2)
    }

    @Test func rankRefusesAReadOnlyOutput() throws {
        let tracks = try cli.writeTracks("tracks.json")
        let out = try write("sub.json", "keep")
        chmod(out, 0o444)
        let result = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", out])
        #expect(result.status == 1)
        #expect(result.stderr.contains("sub.json") && result.stderr.contains("read-only"), "\(result.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "keep")
    }
}
