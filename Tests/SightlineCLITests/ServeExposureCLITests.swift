import Foundation
import SightlineTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `sightline serve` refuses to listen beyond loopback without an access token, before loading anything.
struct ServeExposureCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-serve")

    func tracks() throws -> String {
        let file = dir.file("tracks.json")
        try CityFlowFileWriter.write(Array(SampleTracks.turnStraightStop.prefix(2)), to: file)
        return file.path
    }

    @Test(arguments: ["0.0.0.0", "::", "192.0.2.10"])
    func aHostBeyondLoopbackWithoutATokenIsRefused(host: String) throws {
        let result = try SightlineTool.run(["serve", "--tracks", try tracks(), "--host", host, "--port", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("reaches beyond this machine") && result.stderr.contains("--token-file"), "\(result.stderr)")
    }

    @Test func aShortOrEmptyTokenIsRefused() throws {
        let tracks = try tracks()
        let short = try SightlineTool.run(["serve", "--tracks", tracks, "--port", "0"], environment: ["SIGHTLINE_TOKEN": "abc"])
        #expect(short.status != 0)
        #expect(short.stderr.contains("3 characters; use at least 16"), "\(short.stderr)")
        let blank = try dir.write("token", "  \n").path
        let empty = try SightlineTool.run(["serve", "--tracks", tracks, "--port", "0", "--token-file", blank])
        #expect(empty.status != 0)
        #expect(empty.stderr.contains("--token-file \(blank) is empty"), "\(empty.stderr)")
        let missing = try SightlineTool.run(["serve", "--tracks", tracks, "--port", "0", "--token-file", dir.file("absent").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("cannot read it"), "\(missing.stderr)")
    }

    @Test func aTokenFileLetsItServeAndSaysSo() throws {
        let token = try dir.write("token", "0123456789abcdef0123456789abcdef\n").path
        let process = try SightlineTool.process(["serve", "--tracks", try tracks(), "--port", "0", "--token-file", token])
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        var banner = ""
        while !banner.contains("serving") || !banner.hasSuffix("\n") {
            let chunk = err.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        #expect(banner.contains("serving http://127.0.0.1:") && banner.contains("need the access token"), "\(banner)")
    }
}
