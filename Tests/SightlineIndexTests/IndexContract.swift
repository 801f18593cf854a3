import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineLanguage
import SightlineLearning
import SightlineRanking
import SightlineSearch
import SightlineTestSupport
import SightlineTracks
import Testing

/// One test body per behaviour, run against every backend by `SQLiteIndexTests` and `PostgresIndexTests`.
enum IndexContract {
    static func open(_ location: String) async throws -> any VehicleIndex { try await IndexLocation.open(location, access: .create) }

    /// Adding the same tracks twice stores them once; adding a changed track replaces it and
    /// recomputes its camera.
    static func addIsIdempotentAndUpdates(_ location: String) async throws {
        let index = try await open(location)
        let first = try await index.add(Fixtures.small, options: AddOptions())
        #expect(first.added == Fixtures.small.count && first.updated == 0)
        let g1 = try await index.generation()
        let snap1 = try await index.snapshot()
        let again = try await index.add(Fixtures.small, options: AddOptions())
        #expect(again.added == 0 && again.updated == Fixtures.small.count)
        let snap2 = try await index.snapshot()
        #expect(snap2.count == Fixtures.small.count)
        #expect(snap2.ids == snap1.ids)
        #expect((0..<snap1.count).allSatisfy { snap1.vector(at: $0) == snap2.vector(at: $0) })
        #expect(try await index.generation() > g1)

        // "c" no longer stops: the camera c001 stops being an intersection for all its tracks.
        var moving = Fixtures.small[2]
        moving.boxes = Fixtures.track("c", camera: "c001", frames: 40).boxes
        let update = try await index.add([moving], options: AddOptions())
        #expect(update.added == 0 && update.updated == 1)
        #expect(update.recomputed == 3)
        let stored = try await index.track(id: "c")
        #expect(stored == moving)
        let snap3 = try await index.snapshot()
        #expect(snap3.ids == snap1.ids, "an updated track keeps its place")
        let location = FeatureLayout.standard.slice(named: "location")!.range.lowerBound
        for id in ["a", "b", "c"] {
            let i = snap3.ids.firstIndex(of: id)!
            #expect(snap1.vector(at: i)[location] == 1)
            #expect(snap3.vector(at: i)[location] == 0)
        }
        #expect(try await index.integrity().isWhole)
        try await index.close()
    }

    /// Removing tracks deletes them and recomputes what their cameras' other tracks read; the
    /// result equals an index built from the remaining tracks alone.
    static func removeRecomputesCameras(_ location: String, fresh: String) async throws {
        let index = try await open(location)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        #expect(try await index.remove(["c", "f", "nonexistent"]) == 2)
        #expect(try await index.track(id: "c") == nil)
        let remaining = Fixtures.small.filter { $0.id != "c" && $0.id != "f" }
        let other = try await open(fresh)
        _ = try await other.add(remaining, options: AddOptions())
        let a = try await index.snapshot(), b = try await other.snapshot()
        #expect(a.ids == b.ids)
        #expect((0..<a.count).allSatisfy { a.vector(at: $0) == b.vector(at: $0) })
        let stats = try await index.stats()
        #expect(stats.tracks == 4 && stats.cameras == 2)
        #expect(try await index.integrity().isWhole)
        try await index.close()
        try await other.close()
    }

    /// Adding tracks in several calls gives every track the features one call gives.
    static func incrementalEqualsBatch(_ location: String, fresh: String) async throws {
        let index = try await open(location)
        for t in Fixtures.small.reversed() { _ = try await index.add([t], options: AddOptions()) }
        let other = try await open(fresh)
        _ = try await other.add(Fixtures.small, options: AddOptions(batchSize: 1))
        let a = try await index.snapshot(), b = try await other.snapshot()
        for (i, id) in b.ids.enumerated() {
            let j = try #require(a.ids.firstIndex(of: id))
            #expect(a.vector(at: j) == b.vector(at: i), "\(id)")
        }
        #expect(a.ids == Fixtures.small.map(\.id).reversed(), "gallery order is the order of adding")
        try await index.close()
        try await other.close()
    }

    static func statsCountTracksFramesAndPixels(_ location: String) async throws {
        let index = try await open(location)
        let empty = try await index.stats()
        #expect(empty.tracks == 0 && empty.featureVersion == nil)
        let pixels = Fixtures.appearance(of: Array(Fixtures.small.prefix(2)))
        _ = try await index.add(Fixtures.small, options: AddOptions(appearance: pixels, appearanceModel: "test-model", framesRoot: "/frames"))
        let stats = try await index.stats()
        #expect(stats.tracks == 6)
        #expect(stats.cameras == 3)
        #expect(stats.frames == Fixtures.small.map(\.frames.count).reduce(0, +))
        #expect(stats.tracksWithPixels == 2)
        #expect(stats.featureVersion == FeatureLayout.standard.version)
        #expect(stats.appearanceModel == "test-model")
        #expect(stats.framesRoots == ["/frames"])
        #expect(try await index.framesRoot(of: "a") == "/frames")
        let detail = try await index.details(of: ["a", "zzz"])
        #expect(detail.keys.sorted() == ["a"])
        #expect(detail["a"]?.appearance == pixels["a"])
        let looks = try await index.appearance(of: Fixtures.small.map(\.id) + ["zzz"])
        #expect(looks == pixels, "exactly the tracks stored with pixels, with what was stored")
        try await index.close()
    }

    /// An index of another feature version or pixel model refuses writes and searches, saying how to rebuild.
    static func refusesOtherVersions(_ location: String) async throws {
        let index = try await open(location)
        _ = try await index.add(Fixtures.small, options: AddOptions(appearanceModel: "model-1"))
        await #expect(throws: IndexError.self) {
            _ = try await index.add(Fixtures.small, options: AddOptions(appearanceModel: "model-2"))
        }
        try await writeMeta(location, MetaKey.features, "features-r0-old")
        do {
            _ = try await index.add(Fixtures.small, options: AddOptions())
            Issue.record("add into an index of another version succeeded")
        } catch let error as IndexError {
            #expect(error.description.contains("features-r0-old"))
            #expect(error.description.contains("Rebuild"))
        }
        await #expect(throws: IndexError.self) { _ = try await index.remove(["a"]) }
        await #expect(throws: IndexError.self) { _ = try await IndexSearcher(index: index) }
        #expect(try await index.stats().featureVersion == "features-r0-old")
        try await index.close()
    }

    /// A counter of `meta` that is not an integer throws an error naming it, rather than trapping or reading as 0.
    static func malformedCountersThrow(_ location: String) async throws {
        let index = try await open(location)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        try await writeMeta(location, MetaKey.addCalls, "abc")
        await #expect(throws: IndexError.malformed(table: "meta", key: "add_calls", column: "value", detail: "holds 'abc', not an integer")) {
            _ = try await index.add(Fixtures.small, options: AddOptions())
        }
        try await writeMeta(location, MetaKey.addCalls, "1")
        try await writeMeta(location, MetaKey.generation, "1.5")
        let malformedGeneration = IndexError.malformed(table: "meta", key: "generation", column: "value", detail: "holds '1.5', not an integer")
        await #expect(throws: malformedGeneration) { _ = try await index.generation() }
        await #expect(throws: malformedGeneration) { _ = try await index.snapshot() }
        await #expect(throws: malformedGeneration) { _ = try await index.remove(["a"]) }
        #expect(malformedGeneration.description.contains("meta 'generation', column value"))
        try await index.close()
    }

    /// Writes a row of `meta` through the index's own dialect, as another build or a damaged file may have left it.
    static func writeMeta(_ location: String, _ key: String, _ value: String) async throws {
        let index = try await open(location)
        let backed = try #require(index as? any StoreBackedIndex)
        try await setMeta(backed, key, value)
        try await index.close()
    }

    static func setMeta(_ index: some StoreBackedIndex, _ key: String, _ value: String) async throws {
        try await index.store.write { try await $0.setMeta(key, value) }
    }

    static func execute(_ index: some StoreBackedIndex, _ sql: String) async throws {
        try await index.store.write { try await $0.execute(IndexSQL(stringLiteral: sql)) }
    }

    /// `check` decodes every row and compares the counts: each bad row is named, a sound index has no problem.
    static func checkNamesBadRows(_ location: String) async throws {
        let index = try await open(location)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        let clean = try await index.check()
        #expect(clean.isSound, "\(clean.problems)")
        #expect(clean.tracks == Fixtures.small.count)
        let backed = try #require(index as? any StoreBackedIndex)
        try await execute(backed, "UPDATE track SET nl = 'not json' WHERE id = 'b'")
        try await execute(backed, "UPDATE track SET frame_count = 99 WHERE id = 'c'")
        try await execute(backed, "DELETE FROM camera WHERE key = 'S01/c003'")
        try await setMeta(backed, MetaKey.features, "features-r0-old")
        let report = try await index.check()
        #expect(!report.isSound)
        #expect(report.problems.contains { $0.hasPrefix("track 'b':") }, "\(report.problems)")
        #expect(report.problems.contains { $0.hasPrefix("track 'c':") && $0.contains("frame_count") && $0.contains("99") }, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("1 cameras record a track count") }, "\(report.problems)")
        #expect(report.problems.contains { $0.contains("features-r0-old") }, "\(report.problems)")
        try await index.close()
    }

    /// The index ranks the real test tracks exactly as `Ranker` does: same order, same totals
    /// within 1e-9, same contributions and reasons; with pixel appearance on some tracks.
    static func searchEqualsRanker(_ location: String) async throws {
        let tracks = Fixtures.testTracks
        let appearance = Fixtures.appearance(of: tracks.enumerated().filter { $0.offset % 3 != 0 }.map(\.element))
        let index = try await open(location)
        _ = try await index.add(tracks, options: AddOptions(appearance: appearance, appearanceModel: "synthetic", batchSize: 37))
        let searcher = try await IndexSearcher(index: index)
        let ranker = Ranker()
        let gallery = Gallery(tracks: tracks, appearance: appearance)
        var queries = Array(Fixtures.testQueries.prefix(12))
        queries.append(QueryRecord(id: "pickup", nl: ["a red pickup turning left at an intersection"]))
        queries.append(QueryRecord(id: "truck", nl: ["A big white truck stops at a light, followed by a sedan."]))
        for q in queries {
            let expected = ranker.rank(q, in: gallery, explain: true)
            let hits = try await searcher.search(SearchRequest(text: q.nl.joined(separator: "\n"), top: tracks.count))
            #expect(hits.count == expected.count)
            for (h, e) in zip(hits, expected) {
                #expect(abs(h.total - e.total) < 1e-9, "\(q.id)")
            }
            // Order: equal ids, except where totals tie to rounding (the dictionary order of
            // a vote can move the last bit of a sum).
            for (i, (h, e)) in zip(hits, expected).enumerated() where h.track != e.track {
                #expect(abs(h.total - e.total) < 1e-12 && abs(expected[i].total - hits[i].total) < 1e-12, "\(q.id) rank \(i): \(h.track) vs \(e.track)")
            }
            #expect(Set(hits.map(\.track)) == Set(expected.map(\.track)))
            for (h, e) in zip(hits.prefix(20), expected.prefix(20)) where h.track == e.track {
                #expect(h.contributions.map(\.term) == e.contributions.map(\.term))
                for (a, b) in zip(h.contributions, e.contributions) {
                    #expect(abs(a.score - b.score) < 1e-9 && a.weight == b.weight && a.reason == b.reason, "\(q.id) \(h.track) \(a.term)")
                }
                #expect(h.camera == tracks.first { $0.id == h.track }!.cameraKey)
            }
            let top = try await searcher.search(SearchRequest(text: q.nl.joined(separator: "\n"), top: 10))
            #expect(top.map(\.track) == Array(hits.prefix(10)).map(\.track))
        }
        try await index.close()
    }

    /// Camera, colour and type filters keep only matching tracks, in ranking order.
    static func filtersKeepMatchingTracks(_ location: String) async throws {
        let index = try await open(location)
        var pixels: [String: TrackAppearance] = [:]
        pixels["a"] = TrackAppearance(colours: [.red: 0.7, .black: 0.3], types: [.pickup: 1])
        pixels["d"] = TrackAppearance(colours: [.red: 0.9, .white: 0.1], types: [.sedan: 1])
        pixels["e"] = TrackAppearance(colours: [.blue: 1], types: [.pickup: 0.6, .truck: 0.4])
        _ = try await index.add(Fixtures.small, options: AddOptions(appearance: pixels, appearanceModel: "m"))
        let searcher = try await IndexSearcher(index: index)
        let all = try await searcher.search(SearchRequest(text: "a red pickup turning left", top: 10))
        #expect(all.count == 6)
        let red = try await searcher.search(SearchRequest(text: "a red pickup turning left", top: 10, colours: ["red"]))
        #expect(Set(red.map(\.track)) == ["a", "d"])
        #expect(red.map(\.track) == all.map(\.track).filter { ["a", "d"].contains($0) })
        let pickups = try await searcher.search(SearchRequest(text: "a red pickup turning left", top: 10, types: ["pickup"]))
        #expect(Set(pickups.map(\.track)) == ["a", "e"])
        let camera = try await searcher.search(SearchRequest(text: "a car", top: 10, cameras: ["c002"]))
        #expect(Set(camera.map(\.track)) == ["d", "e"])
        let full = try await searcher.search(SearchRequest(text: "a car", top: 10, cameras: ["S01/c003"]))
        #expect(full.map(\.track) == ["f"])
        let both = try await searcher.search(SearchRequest(text: "a car", top: 1, cameras: ["c001", "c002"], colours: ["red"]))
        #expect(both.count == 1)
        #expect(try await searcher.cameras() == ["S01/c001", "S01/c002", "S01/c003"])
        let frames = try await searcher.frames(ofCamera: "S01/c002")
        #expect(frames == Fixtures.small[3].frames + Fixtures.small[4].frames)
        #expect(try await searcher.track(id: "e") == Fixtures.small[4])
        try await index.close()
    }

    /// On a colour or type tie, the index's filter and the in-memory one keep the same tracks:
    /// the alphabetically first name wins, whatever the process's dictionary order.
    static func tiedFiltersAgreeWithMemory(_ location: String) async throws {
        let index = try await open(location)
        let colours = VehicleColor.allCases, types = BodyType.allCases
        var tracks: [Track] = []
        var pixels: [String: TrackAppearance] = [:]
        for (i, pair) in zip(colours, colours.dropFirst() + [colours[0]]).enumerated() {
            let t = Fixtures.track("t\(i)", camera: "c00\(i % 3 + 1)", start: 1 + 50 * i)
            tracks.append(t)
            pixels[t.id] = TrackAppearance(colours: [pair.0: 0.5, pair.1: 0.5], types: [types[i % types.count]: 0.5, types[(i + 1) % types.count]: 0.5])
        }
        _ = try await index.add(tracks, options: AddOptions(appearance: pixels, appearanceModel: "m"))
        let searcher = try await IndexSearcher(index: index)
        let memory = MemoryBackend(tracks: tracks, appearance: pixels)
        for colour in colours {
            let request = SearchRequest(text: "a car", top: tracks.count, colours: [colour.rawValue])
            let expected = Set(pixels.filter { $0.value.colours.keys.min() == colour }.keys)
            #expect(Set(try await searcher.search(request).map(\.track)) == expected, "\(colour)")
            #expect(Set(try await memory.search(request).map(\.track)) == expected, "\(colour)")
        }
        for type in types {
            let request = SearchRequest(text: "a car", top: tracks.count, types: [type.rawValue])
            let expected = Set(pixels.filter { $0.value.types.keys.min() == type }.keys)
            #expect(Set(try await searcher.search(request).map(\.track)) == expected, "\(type)")
            #expect(Set(try await memory.search(request).map(\.track)) == expected, "\(type)")
        }
        try await index.close()
    }

    /// Two writers adding tracks of the same cameras at once (as two ingest workers would)
    /// leave the features one writer would have computed.
    static func concurrentWritersAgree(_ location: String, fresh: String) async throws {
        var tracks: [Track] = []
        for c in 1...6 {
            for k in 0..<8 {
                tracks.append(Fixtures.track("w\(c)-\(k)", camera: "c\(c)", start: 1 + 3 * k, frames: 30, from: (Double(100 + 45 * k), 900),
                                             step: (0, -15), turnAt: k % 3 == 0 ? 12 : nil, still: k % 4 == 0 ? 18 : 0))
            }
        }
        let a = try await open(location), b = try await open(location)
        let even = tracks.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        let odd = tracks.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        async let first = a.add(even, options: AddOptions(batchSize: 4))
        async let second = b.add(odd, options: AddOptions(batchSize: 4))
        let reports = try await [first, second]
        #expect(reports.map(\.added).reduce(0, +) == tracks.count)
        let reference = try await open(fresh)
        _ = try await reference.add(tracks, options: AddOptions())
        let x = try await a.snapshot(), y = try await reference.snapshot()
        #expect(Set(x.ids) == Set(y.ids))
        for (i, id) in y.ids.enumerated() {
            let j = try #require(x.ids.firstIndex(of: id))
            #expect(x.vector(at: j) == y.vector(at: i), "\(id)")
        }
        #expect(try await a.integrity().isWhole)
        for index in [a, b, reference] { try await index.close() }
    }

    /// A searcher sees another writer's changes after `refresh()`.
    static func refreshPicksUpChanges(_ location: String) async throws {
        let writer = try await open(location)
        _ = try await writer.add(Array(Fixtures.small.prefix(3)), options: AddOptions())
        let reader = try await open(location)
        let searcher = try await IndexSearcher(index: reader)
        #expect(searcher.snapshot.count == 3)
        #expect(try await searcher.refresh() == false)
        _ = try await writer.add(Array(Fixtures.small.suffix(3)), options: AddOptions())
        #expect(try await searcher.refresh() == true)
        #expect(searcher.snapshot.count == 6)
        let hits = try await searcher.search(SearchRequest(text: "a car turns right", top: 6))
        #expect(hits.count == 6)
        try await writer.close()
        try await reader.close()
    }

    /// A watching searcher reloads by itself after another connection writes.
    static func watchReloadsAfterWrites(_ location: String) async throws {
        let writer = try await open(location)
        _ = try await writer.add(Array(Fixtures.small.prefix(3)), options: AddOptions())
        let reader = try await open(location)
        let searcher = try await IndexSearcher(index: reader)
        let watcher = Task { await searcher.watch(every: .milliseconds(20)) }
        _ = try await writer.add(Array(Fixtures.small.suffix(3)), options: AddOptions())
        let deadline = ContinuousClock.now + .seconds(20)
        while searcher.snapshot.count != 6, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        watcher.cancel()
        await watcher.value
        #expect(searcher.snapshot.count == 6)
        try await writer.close()
        try await reader.close()
    }

    /// `sightline index add` killed with SIGKILL after its first transaction commits, while its
    /// second is written but not committed, leaves exactly the first batch, every track whole;
    /// adding again completes the index. The tool stops itself at that point (see
    /// `TestPause` in SightlineIndex), so the kill does not race the writer.
    static func killedAddLeavesWholeTracks(_ location: String, scratch: TemporaryDirectory) async throws {
        // 40 cameras of 15 tracks with 60 frames each: four transactions of 150 tracks (10 cameras).
        var tracks: [Track] = []
        for c in 0..<40 {
            for k in 0..<15 {
                tracks.append(Fixtures.track("t\(c)-\(k)", camera: "c\(c + 1)", start: 1 + 7 * k, frames: 60,
                                             from: (Double(100 + 30 * k), 900), step: (Double(k % 3) - 1, -12), turnAt: k % 4 == 0 ? 30 : nil, still: k % 5 == 0 ? 20 : 0))
            }
        }
        let file = scratch.file("big.json")
        try CityFlowFileWriter.write(tracks, to: file)
        let layout = FeatureLayout(terms: Ranker.allTerms(learnedModel: try LearnedSimilarity.bundled().hash))
        let observer = try await IndexLocation.open(location, layout: layout, access: .create)
        let marker = scratch.file("paused")
        let process = try SightlineTool.process(["index", "add", "--tracks", file.path, "--db", location, "--batch-size", "150"],
                                                environment: ["SIGHTLINE_TEST_PAUSE_BEFORE_SECOND_COMMIT": marker.path])
        process.standardOutput = FileHandle.nullDevice
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        while process.isRunning && !FileManager.default.fileExists(atPath: marker.path) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let paused = FileManager.default.fileExists(atPath: marker.path)
        if paused { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try #require(paused, "the add ended (status \(process.terminationStatus)) without pausing before its second commit: \(message)")
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)

        let integrity = try await observer.integrity()
        #expect(integrity.isWhole, "\(integrity)")
        #expect(integrity.tracks == 150, "the first transaction holds 150 tracks (10 cameras); the second was not committed")
        let byID = Dictionary(uniqueKeysWithValues: tracks.map { ($0.id, $0) })
        let snapshot = try await observer.snapshot()
        #expect(Set(snapshot.ids) == Set(tracks.prefix(150).map(\.id)))
        let details = try await observer.details(of: snapshot.ids)
        #expect(details.count == snapshot.count)
        for (id, d) in details { #expect(d.track == byID[id]) }

        let rerun = try SightlineTool.run(["index", "add", "--tracks", file.path, "--db", location, "--batch-size", "1000"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(try await observer.integrity().isWhole)
        #expect(try await observer.stats().tracks == tracks.count)
        try await observer.close()
    }
}
