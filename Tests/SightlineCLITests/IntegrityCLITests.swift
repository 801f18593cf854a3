import Foundation
import SightlineData
import SightlinePixels
import SightlineTestSupport
import Testing

/// The CLI on damaged and read-only indexes, outputs it cannot write, and missing frames.
struct IntegrityCLITests {
    let cli = CLITests()
    var dir: URL { cli.dir.url }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func queries() throws -> String { try cli.write("queries.json", #"{"q1": ["A red car turns left."], "q2": ["A car goes straight."]}"#) }

    /// 120 tracks of 60 frames over 12 cameras, indexed: enough pages to damage some in the middle.
    func builtIndex() throws -> String {
        var tracks: [Track] = []
        for c in 1...12 {
            for k in 0..<10 {
                let frames = (1...60).map { f in
                    FrameRef(path: "S01/c\(String(format: "%03d", c))/img1/\(String(format: "%06d", 100 * k + f)).jpg", scene: "S01",
                             camera: String(format: "c%03d", c), frame: 100 * k + f)
                }
                tracks.append(Track(id: "t\(c)-\(k)", frames: frames, boxes: (0..<60).map { Box(x: Double(100 + 30 * k), y: Double(900 - 12 * $0), w: 40, h: 40) }))
            }
        }
        let file = dir.appendingPathComponent("big.json")
        try CityFlowFileWriter.write(tracks, to: file)
        let db = path("index.sqlite")
        let added = try SightlineTool.run(["index", "add", "--tracks", file.path, "--db", db])
        try #require(added.status == 0, "\(added.stderr)")
        return db
    }

    // MARK: damaged index

    @Test func indexCheckPassesACleanIndexAndFailsADamagedOneWhichAddRefuses() throws {
        let db = try builtIndex()
        let clean = try SightlineTool.run(["index", "check", "--db", db])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("verdict     sound"), "\(clean.stdout)")
        #expect(clean.stdout.contains("tracks      120"), "\(clean.stdout)")

        try IndexFileDamage.overwritePages(db)
        let damaged = try SightlineTool.run(["index", "check", "--db", db])
        #expect(damaged.status == 1, "\(damaged.stdout)\(damaged.stderr)")
        #expect(damaged.stdout.contains("problem     SQLite integrity_check:"), "\(damaged.stdout)")
        #expect(damaged.stdout.contains("verdict     DAMAGED"), "\(damaged.stdout)")
        #expect(damaged.stderr.contains("Rebuild the index") && damaged.stderr.contains("sightline index add --db \(db)"), "\(damaged.stderr)")

        let stats = try SightlineTool.run(["index", "stats", "--db", db])
        #expect(!stats.stdout.contains("every track whole"), "\(stats.stdout)")

        let before = try IndexFileDamage.fingerprint(db)
        let tracks = try cli.writeTracks("tracks.json")
        let add = try SightlineTool.run(["index", "add", "--tracks", tracks, "--db", db])
        #expect(add.status == 1, "\(add.stderr)")
        #expect(add.stderr.contains("the index is damaged") && add.stderr.contains("quick_check") && add.stderr.contains("Nothing was written"), "\(add.stderr)")
        #expect(try IndexFileDamage.fingerprint(db) == before)
    }

    // MARK: read-only index

    /// `search`, `index stats` and `index check` open the index read-only: a 0444 file is read and
    /// not a byte of it (nor its modification time) changes. As root the mode stops nothing, but the
    /// unchanged bytes still show the commands wrote nothing.
    @Test func readingCommandsLeaveAReadOnlyIndexAsItWas() throws {
        let db = try builtIndex()
        chmod(db, 0o444)
        defer { chmod(db, 0o644) }
        let before = try IndexFileDamage.fingerprint(db)
        let search = try SightlineTool.run(["search", "a car going straight", "--db", db, "--top", "2"])
        #expect(search.status == 0, "\(search.stderr)")
        #expect(search.stderr.contains("2 hits from 120 tracks"), "\(search.stderr)")
        let stats = try SightlineTool.run(["index", "stats", "--db", db])
        #expect(stats.status == 0, "\(stats.stderr)")
        let check = try SightlineTool.run(["index", "check", "--db", db])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(try IndexFileDamage.fingerprint(db) == before)
    }

    // MARK: outputs

    @Test func rankChecksEveryOutputBeforeWritingAny() throws {
        let tracks = try cli.writeTracks("tracks.json")
        let out = path("sub.json")
        let missingFolder = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", out, "--explain", path("no/such/explain.json")])
        #expect(missingFolder.status == 1, "\(missingFolder.stderr)")
        #expect(missingFolder.stderr.contains("--explain") && missingFolder.stderr.contains("no folder"), "\(missingFolder.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "the submission is not written when the explanation cannot be")

        let aFolder = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", out, "--explain", dir.path])
        #expect(aFolder.status == 1 && aFolder.stderr.contains("is a folder"), "\(aFolder.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let same = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", out, "--explain", out])
        #expect(same.status == 1 && same.stderr.contains("name the same file"), "\(same.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func evaluateChecksItsOutputBeforeScoring() throws {
        let tracks = try cli.writeTracks("tracks.json")
        let result = try SightlineTool.run(["evaluate", "--tracks", tracks, "--per-query", path("no/such/per-query.csv")])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("--per-query") && result.stderr.contains("no folder"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing is printed as done before the output is known to be writable: \(result.stdout)")
    }

    // MARK: missing frames

    /// Two tracks of c001 with their frames as 64x64 images under `frames/`, then frame 6 (track b's second) removed.
    func framesMissingOne() throws -> (tracks: String, root: String, missing: String) {
        func frames(_ range: ClosedRange<Int>) -> [FrameRef] {
            range.map { FrameRef(path: "S01/c001/img1/\(String(format: "%06d", $0)).jpg", scene: "S01", camera: "c001", frame: $0) }
        }
        let boxes = (0..<4).map { Box(x: Double(8 + 4 * $0), y: 16, w: 24, h: 24) }
        let tracks = [Track(id: "a", frames: frames(1...4), boxes: boxes, nl: ["A red car."]),
                      Track(id: "b", frames: frames(5...8), boxes: boxes, nl: ["A blue car."])]
        let file = dir.appendingPathComponent("tracks.json")
        try CityFlowFileWriter.write(tracks, to: file)
        let root = dir.appendingPathComponent("frames")
        let folder = root.appendingPathComponent("S01/c001/img1")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for f in 1...8 {
            let colour: [UInt8] = f <= 4 ? [200, 30, 30] : [30, 30, 200]
            let image = RGBImage(width: 64, height: 64, pixels: Array(repeatElement(colour, count: 64 * 64).joined()))
            try image.writePNG(to: folder.appendingPathComponent(String(format: "%06d.jpg", f)).path)
        }
        let missing = folder.appendingPathComponent("000006.jpg").path
        try FileManager.default.removeItem(atPath: missing)
        return (file.path, root.path, missing)
    }

    @Test func aMissingFrameLeavesItsTrackWithoutPixelsUnlessStrict() throws {
        let (tracks, root, missing) = try framesMissingOne()
        let pixels = ["--frames-root", root, "--colour-only", "--cache", path("cache")]
        let out = path("sub.json")
        let rank = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", out] + pixels)
        #expect(rank.status == 0, "\(rank.stderr)")
        #expect(rank.stderr.contains("track b goes without pixels: frame \(missing) is missing"), "\(rank.stderr)")
        #expect(rank.stderr.contains("1 track without pixels: frames missing"), "\(rank.stderr)")
        #expect(FileManager.default.fileExists(atPath: out))

        let strictOut = path("strict.json")
        let strict = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", try queries(), "--out", strictOut, "--strict"] + pixels)
        #expect(strict.status == 1, "\(strict.stderr)")
        #expect(strict.stderr.contains(missing), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: strictOut))

        let db = path("pixels.sqlite")
        let add = try SightlineTool.run(["index", "add", "--tracks", tracks, "--db", db] + pixels)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stderr.contains("track b goes without pixels") && add.stderr.contains("1 track without pixels"), "\(add.stderr)")
        let stats = try SightlineTool.run(["index", "stats", "--db", db])
        #expect(stats.stdout.contains("tracks      2 (1 with pixels)"), "\(stats.stdout)")

        let strictAdd = try SightlineTool.run(["index", "add", "--tracks", tracks, "--db", path("strict.sqlite"), "--strict"] + pixels)
        #expect(strictAdd.status == 1, "\(strictAdd.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("strict.sqlite")))
    }
}
