import Foundation
@testable import SightlineData
import SightlineTestSupport
import Testing

/// The readers on bytes that are not UTF-8, a byte-order mark, and paths that are not files.
struct ReaderHostileInputTests {
    let dir = TemporaryDirectory()
    static let track = #"{"frames": ["S01/c003/img1/000001.jpg"], "boxes": [[1, 2, 30, 40]], "nl": ["A red sedan."]}"#

    func detail(_ bytes: [UInt8], file: String = "tracks.json") -> String? {
        do {
            _ = try TrackFile.tracks(bytes, file: file)
            return nil
        } catch {
            guard case let .malformedJSON(f, detail) = error, f == file else { Issue.record("got \(error)"); return nil }
            return detail
        }
    }

    /// Invalid UTF-8 in an id or a description: a stray byte, an overlong form, an encoded
    /// surrogate, a sequence cut short, a code point beyond U+10FFFF.
    @Test(arguments: [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0x80]] as [[UInt8]])
    func invalidUTF8IsRefusedWithItsByteOffset(sequence: [UInt8]) throws {
        let inID = Array(#"{"a"#.utf8) + sequence + Array(#"": \#(Self.track)}"#.utf8)
        let idDetail = try #require(detail(inID))
        #expect(idDetail.contains("invalid UTF-8") && idDetail.contains("byte offset 3"), "\(idDetail)")

        let prefix = Array(#"{"a": {"frames": ["S01/c003/img1/000001.jpg"], "boxes": [[1, 2, 30, 40]], "nl": ["A red "#.utf8)
        let inText = prefix + sequence + Array(#" sedan."]}}"#.utf8)
        let textDetail = try #require(detail(inText))
        #expect(textDetail.contains("byte offset \(prefix.count) in a string"), "\(textDetail)")
        let message = DataError.malformedJSON(file: "tracks.json", detail: textDetail).description
        #expect(message.hasPrefix("tracks.json: malformed JSON at line 1"), "\(message)")
    }

    @Test func unpairedSurrogateEscapesAreRefused() throws {
        for escape in [#"\ud800"#, #"\udc00"#, #"\ud800\u0041"#] {
            let text = Array(#"{"a\#(escape)": \#(Self.track)}"#.utf8)
            let d = try #require(detail(text))
            #expect(d.contains("surrogate"), "\(escape): \(d)")
        }
    }

    @Test func validMultibyteTextLoadsUnchanged() throws {
        let id = "é€🚗"
        let tracks = try TrackFile.tracks(Array(#"{"\#(id)": \#(Self.track)}"#.utf8), file: "tracks.json")
        #expect(tracks.map(\.id) == [id])
    }

    @Test func aByteOrderMarkIsAcceptedInTrackQueryAndTruthFiles() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try TrackFile.load(from: dir.write("t.json", bytes: bom + Array(#"{"a": \#(Self.track)}"#.utf8))).map(\.id) == ["a"])
        #expect(try QueryFile.load(from: dir.write("q.json", bytes: bom + Array(#"{"q": ["A car."]}"#.utf8))).map(\.id) == ["q"])
        #expect(try GroundTruth.load(from: dir.write("g.json", bytes: bom + Array(#"{"q": "a"}"#.utf8))).targets.map(\.track) == ["a"])
        #expect(throws: DataError.empty(file: "t.json")) { try TrackFile.tracks(bom + Array(" \n".utf8), file: "t.json") }
        let twice = try #require(detail(bom + bom + Array(#"{"a": \#(Self.track)}"#.utf8)))
        #expect(twice.contains("unexpected byte 0xEF at byte offset 3"), "\(twice)")
    }

    @Test func aFolderIsNamedAsOne() throws {
        let folder = dir.file("tracks.json")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(throws: DataError.unreadable(file: folder.path, reason: "is a directory")) { try TrackFile.load(from: folder) }
        #expect(throws: DataError.unreadable(file: folder.path, reason: "is a directory")) { try QueryFile.load(from: folder) }
        #expect(throws: DataError.unreadable(file: folder.path, reason: "is a directory")) { try GroundTruth.load(from: folder) }
    }

    @Test func anEndlessStreamEndsInAnError() throws {
        #expect(throws: DataError.unreadable(file: "/dev/zero", reason: "longer than 1 MiB")) { try InputFile.contents("/dev/zero", limit: 1 << 20) }
        let big = try dir.write("big.json", bytes: [UInt8](repeating: 0x20, count: (1 << 20) + 1))
        #expect(throws: DataError.unreadable(file: big.path, reason: "longer than 1 MiB")) { try InputFile.contents(big.path, limit: 1 << 20) }
        #expect(try InputFile.contents(big.path, limit: 2 << 20).count == (1 << 20) + 1)
    }

    @Test func aSymlinkLoopIsNamedAsOne() throws {
        let a = dir.file("a.json"), b = dir.file("b.json")
        symlink(b.path, a.path)
        symlink(a.path, b.path)
        let loop = DataError.unreadable(file: a.path, reason: "too many levels of symbolic links")
        #expect(throws: loop) { try TrackFile.load(from: a) }
        #expect(throws: loop) { try QueryFile.load(from: a) }
        #expect(throws: loop) { try GroundTruth.load(from: a) }
    }

    @Test func aMissingFileSaysSo() {
        let missing = dir.file("nope.json")
        #expect(throws: DataError.unreadable(file: missing.path, reason: "no such file or directory")) { try TrackFile.load(from: missing) }
        #expect(DataError.unreadable(file: "q.json", reason: "no such file or directory").description == "q.json: cannot read: no such file or directory")
    }
}
