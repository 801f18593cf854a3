import Foundation
import SightlineData
import SightlineTestSupport
import Testing

/// `sightline ingest`: a video in, its tracks in the index, the same as `detect-tracks` then
/// `index add` give, resumable after a kill, refusing bad input before writing anything.
@Suite(.requiresShared(FFmpegTool.sampleFrames), .requiresFFmpeg)
struct IngestCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-ingest")

    /// A video of the first `frames` sample frames of S01/c003 at `<dir>/videos/S01/c003/vdo.mp4`, frame N being image 27 + N.
    func video(frames: Int) throws -> URL {
        let video = dir.file("videos/S01/c003/vdo.mp4")
        try FileManager.default.createDirectory(at: video.deletingLastPathComponent(), withIntermediateDirectories: true)
        let images = TestData.sharedData(FFmpegTool.sampleFrames).appendingPathComponent("%06d.jpg").path
        try FFmpegTool.run(["-framerate", "10", "-start_number", "28", "-i", images, "-frames:v", "\(frames)",
                            "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuvj420p", video.path])
        return video
    }

    func ingest(_ arguments: [String]) throws -> SightlineTool.Result {
        try SightlineTool.run(["ingest"] + arguments + ["--colour-only", "--cache", dir.file("cache").path])
    }

    /// Every indexed track with its score for one query (to 1e-9: gallery order changes the last bits of sums),
    /// so equal lists mean equal tracks and features.
    func ranking(_ db: String) throws -> [String] {
        let result = try SightlineTool.run(["search", "--db", db, "a white car", "--top", "1000", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        return hits.map { hit in
            let total = (hit["total"] as? Double).map { String(format: "%.9f", $0) } ?? "-"
            return "\(hit["track"] ?? "") \(total)"
        }.sorted()
    }

    func stats(_ db: String) throws -> [String: Any] {
        let result = try SightlineTool.run(["index", "stats", "--db", db, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return report?["stats"] as? [String: Any] ?? [:]
    }

    @Test func ingestStoresWhatDetectTracksAndIndexAddStore() throws {
        let video = try video(frames: 6)
        let db = dir.file("ingest.sqlite").path
        let a = try ingest([video.path, "--db", db])
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stderr.contains("frame 6/6"), "progress with the frame count")
        #expect(a.stderr.contains("frames/s"))

        let tracks = dir.file("tracks.json").path, other = dir.file("two-step.sqlite").path
        let b = try SightlineTool.run(["detect-tracks", "--video", video.path, "--camera", "S01/c003", "--out", tracks])
        #expect(b.status == 0, "\(b.stderr)")
        let c = try SightlineTool.run(["index", "add", "--tracks", tracks, "--db", other, "--frames-root", dir.file("videos").path,
                                       "--colour-only", "--cache", dir.file("cache").path])
        #expect(c.status == 0, "\(c.stderr)")

        let expected = try TrackFile.load(from: URL(fileURLWithPath: tracks))
        #expect(expected.count >= 3, "the queue at the c003 stop line holds several vehicles")
        let ingested = try ranking(db)
        #expect(ingested == (try ranking(other)))
        #expect(Set(ingested.map { String($0.split(separator: " ")[0]) }) == Set(expected.map(\.id)))

        let stats = try stats(db)
        #expect(stats["tracks"] as? Int == expected.count)
        #expect(stats["tracksWithPixels"] as? Int == expected.count, "colours from the video's frames")
        #expect(stats["framesRoots"] as? [String] == [URL(fileURLWithPath: db + ".ingest").standardizedFileURL.path])
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: db + ".ingest/S01/c003/vdo.mp4")
        #expect(link == video.resolvingSymlinksInPath().path)

        let again = try ingest([video.path, "--db", db])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("in the index already"))
        #expect(try ranking(db) == ingested)
    }

    @Test func aKilledIngestResumesWithoutDuplicates() throws {
        let video = try video(frames: 6)
        let db = dir.file("killed.sqlite").path
        let state = URL(fileURLWithPath: db + ".ingest/S01/c003")
        let process = try SightlineTool.process(["ingest", video.path, "--db", db, "--colour-only", "--cache", dir.file("cache").path])
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var done = 0
        while process.isRunning, done < 2 {
            Thread.sleep(forTimeInterval: 0.02)
            if let data = FileManager.default.contents(atPath: DetectionLog.progressFile(in: state).path),
               let progress = try? JSONDecoder().decode(DetectionLog.Progress.self, from: data) {
                done = progress.framesDone
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try #require(process.terminationReason == .uncaughtSignal, "killed mid-run, after \(done) frames")
        let stored = try #require(try DetectionLog.load(from: state))
        #expect(stored.progress.framesDone >= 2 && stored.progress.framesDone < 6)
        #expect(!FileManager.default.fileExists(atPath: db), "nothing indexed before every frame is detected")

        let resumed = try ingest([video.path, "--db", db])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resuming at frame \(stored.progress.framesDone + 1) of 6"))
        let log = try #require(try DetectionLog.load(from: state))
        #expect(log.progress.framesDone == 6)
        #expect(log.progress.bytes == (try Data(contentsOf: DetectionLog.detectionsFile(in: state))).count, "no frame written twice")

        let tracks = dir.file("from-log.json").path
        let fromLog = try SightlineTool.run(["detect-tracks", "--detections", DetectionLog.detectionsFile(in: state).path,
                                             "--camera", "S01/c003", "--out", tracks])
        #expect(fromLog.status == 0, "\(fromLog.stderr)")
        let expected = try TrackFile.load(from: URL(fileURLWithPath: tracks))
        #expect(!expected.isEmpty)
        let ranked = try ranking(db).map { String($0.split(separator: " ")[0]) }
        #expect(ranked.sorted() == expected.map(\.id).sorted(), "the resumed run's tracks are the tracker's over the whole log, each once")
        #expect(try stats(db)["tracks"] as? Int == expected.count)

        let again = try ingest([video.path, "--db", db])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try stats(db)["tracks"] as? Int == expected.count)
    }

    @Test func badInputIsNamedAndNothingIsWritten() throws {
        let db = dir.file("bad.sqlite").path
        let missing = dir.file("none/S01/c001/vdo.mp4").path
        let a = try ingest([missing, "--db", db])
        #expect(a.status != 0)
        #expect(a.stderr.contains(missing))

        let corrupt = dir.file("corrupt.mp4")
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 73) }).write(to: corrupt)
        let b = try ingest([corrupt.path, "--camera", "S01/c001", "--db", db])
        #expect(b.status != 0)
        #expect(b.stderr.contains(corrupt.path))

        let video = try video(frames: 3)
        let c = try ingest([video.path, "--camera", "c003", "--db", db])
        #expect(c.status != 0)
        #expect(c.stderr.contains("--camera c003"))
        let d = try ingest([video.path, corrupt.path, "--db", db])
        #expect(d.status != 0, "the second video has no camera in its path")
        #expect(d.stderr.contains(corrupt.path) && d.stderr.contains("--camera"))
        #expect(!FileManager.default.fileExists(atPath: db))
        #expect(!FileManager.default.fileExists(atPath: db + ".ingest"))

        let e = try ingest([video.path, "--db", db, "--samples", "4", "--min-length", "1"])
        #expect(e.status == 0, "\(e.stderr)")
        let before = try ranking(db)
        let f = try ingest([video.path, "--camera", "S01/c009", "--db", db])
        #expect(f.status != 0, "another pixel model than the index holds")
        #expect(f.stderr.contains(db) && f.stderr.contains("pixel model"))
        #expect(!FileManager.default.fileExists(atPath: db + ".ingest/S01/c009"))
        #expect(try ranking(db) == before)
    }
}
