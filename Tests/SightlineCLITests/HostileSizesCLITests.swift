import Foundation
import SightlineTestSupport
import Testing

/// The CLI on sizes and paths an attacker picks: a `--top` beyond the gallery, input paths that
/// are folders or symlink loops, bytes that are not UTF-8 and a byte-order mark.
struct HostileSizesCLITests {
    let cli = CLITests()
    var dir: URL { cli.dir.url }

    func index() throws -> String {
        let db = dir.appendingPathComponent("i.sqlite").path
        let add = try SightlineTool.run(["index", "add", "--db", db, "--tracks", try cli.writeTracks("tracks.json")])
        #expect(add.status == 0, "\(add.stderr)")
        return db
    }

    @Test(arguments: ["4294967296", String(Int.max)])
    func searchWithAHugeTopReturnsTheGallery(top: String) throws {
        let result = try SightlineTool.run(["search", "a red car turns left", "--db", try index(), "--top", top, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any]
        #expect(hits?.count == 2)
    }

    func queries() throws -> String {
        try cli.write("queries.json", #"{"q1": ["A red car turns left."]}"#)
    }

    @Test func aFolderAsTracksSaysItIsADirectory() throws {
        let folder = dir.appendingPathComponent("tracks.json")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let result = try SightlineTool.run(["rank", "--tracks", folder.path, "--queries", try queries(), "--out", dir.appendingPathComponent("s.json").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("tracks.json: cannot read: is a directory"), "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func aSymlinkLoopAsQueriesSaysSo() throws {
        let loop = dir.appendingPathComponent("queries.json").path
        symlink(loop, loop)
        let result = try SightlineTool.run(["rank", "--tracks", try cli.writeTracks("tracks.json"), "--queries", loop,
                                            "--out", dir.appendingPathComponent("s.json").path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("queries.json: cannot read: too many levels of symbolic links"), "\(result.stderr)")
    }

    @Test func invalidUTF8InAnIDIsRefusedWithItsOffsetAndABOMIsAccepted() throws {
        let tracks = try cli.writeTracks("tracks.json")
        let out = dir.appendingPathComponent("s.json").path
        let bad = dir.appendingPathComponent("bad-queries.json")
        try Data(#"{"q"#.utf8 + [0xFF] + #"1": ["A red car."]}"#.utf8).write(to: bad)
        let refused = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", bad.path, "--out", out])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad-queries.json") && refused.stderr.contains("byte offset 3"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))

        let bom = dir.appendingPathComponent("bom-queries.json")
        try Data([0xEF, 0xBB, 0xBF] + #"{"q1": ["A red car turns left."]}"#.utf8).write(to: bom)
        let accepted = try SightlineTool.run(["rank", "--tracks", tracks, "--queries", bom.path, "--out", out])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(FileManager.default.fileExists(atPath: out))
    }
}
