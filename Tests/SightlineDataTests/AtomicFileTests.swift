import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineData

/// What `AtomicFile.write` does with destinations that are not plain files in a writable folder.
struct AtomicFileTests {
    let dir = TemporaryDirectory()

    static let symlink: mode_t = 0o120000, fifo: mode_t = 0o010000, characterDevice: mode_t = 0o020000

    static func kind(_ path: String) -> mode_t {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        return st.st_mode & 0o170000
    }

    static func mode(_ path: String) -> mode_t {
        var st = stat()
        guard stat(path, &st) == 0 else { return 0 }
        return st.st_mode & 0o7777
    }

    @Test func followsASymlinkAndReplacesItsTarget() throws {
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("real"), withIntermediateDirectories: true)
        let target = try dir.write("real/out.json", "old")
        let link = dir.url.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real/out.json")
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(Self.kind(link.path) == Self.symlink, "the symlink itself stays")
        #expect(try String(contentsOf: target, encoding: .utf8) == "new")
        #expect(Set(dir.contents) == ["real", "link.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("real").path) == ["out.json"])
    }

    @Test func aDanglingSymlinkCreatesItsTarget() throws {
        let link = dir.url.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: dir.url.appendingPathComponent("made.json").path)
        try AtomicFile.write(Data("new".utf8), to: link)
        #expect(Self.kind(link.path) == Self.symlink)
        #expect(try String(contentsOf: dir.url.appendingPathComponent("made.json"), encoding: .utf8) == "new")
    }

    @Test func keepsTheDestinationsMode() throws {
        let file = try dir.write("out.json", "old")
        chmod(file.path, 0o640)
        try AtomicFile.write(Data("new".utf8), to: file)
        #expect(Self.mode(file.path) == 0o640)
        #expect(try String(contentsOf: file, encoding: .utf8) == "new")
    }

    @Test func refusesAReadOnlyDestination() throws {
        let file = try dir.write("out.json", "old")
        chmod(file.path, 0o444)
        #expect {
            try AtomicFile.write(Data("new".utf8), to: file)
        } throws: { error in
            guard case let DataError.unwritable(name, reason) = error else { return false }
            return name == file.path && reason.contains("read-only")
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "old")
        #expect(Self.mode(file.path) == 0o444)
        #expect(dir.contents == ["out.json"], "no temporary file is left behind")
    }

    @Test func writesStraightThroughAFIFO() throws {
        let fifo = dir.url.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let reader = open(fifo.path, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        try AtomicFile.write(Data("through the pipe".utf8), to: fifo)
        #expect(Self.kind(fifo.path) == Self.fifo, "the FIFO is still a FIFO")
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(reader, &buffer, buffer.count)
        #expect(n > 0 && String(decoding: buffer.prefix(max(0, n)), as: UTF8.self) == "through the pipe")
    }

    /// A character device of our own (the null device, made with mknod in the scratch folder) stays one.
    @Test(.enabled(if: geteuid() == 0, "mknod needs root"))
    func writesStraightThroughACharacterDevice() throws {
        let device = dir.url.appendingPathComponent("null")
        try #require(mknod(device.path, Self.characterDevice | 0o666, dev_t(0x103)) == 0, "mknod failed: \(String(cString: strerror(errno)))")
        try AtomicFile.write(Data("discarded".utf8), to: device)
        #expect(Self.kind(device.path) == Self.characterDevice)
        #expect(dir.contents == ["null"])
    }

    @Test func devNullStaysACharacterDevice() throws {
        try AtomicFile.write(Data("discarded".utf8), to: URL(fileURLWithPath: "/dev/null"))
        #expect(Self.kind("/dev/null") == Self.characterDevice)
    }

    @Test func aFolderIsRefused() {
        #expect(throws: DataError.self) { try AtomicFile.write(Data("x".utf8), to: dir.url) }
    }
}
