import ArgumentParser
import Foundation
import SightlineData
import SightlineIndex
import SightlineRanking
import SightlineSearch

extension Bench {
    /// In-process search latency over an index grown to each size in turn.
    struct SearchLatency: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search",
            abstract: "Build an index of N tracks (real tracks replicated into new scenes) and time in-process searches.",
            discussion: """
                Replica r of a track gets the id <id>-r<r> and the scene S<scene><r, 7 digits>, so each replica set is \
                a world of its own with the same cameras, contexts and neighbours as the original. At each --count \
                the index is loaded into an IndexSearcher and every query of --queries is searched --repeats times \
                (top 10, with explanations); p50 and p99 are over all those searches.
                """)

        @Option(help: "Real tracks to replicate.")
        var tracks: String = "../shared/data/cityflow-nl/2022/test-tracks.json"

        @Option(help: "Real queries ({uuid: {nl}}); each query's descriptions form one search.")
        var queries: String = "../shared/data/cityflow-nl/2022/test-queries.json"

        @Option(help: "Index sizes to measure at, comma-separated; the index grows from one to the next.")
        var count: String = "1000,100000,1000000"

        @Option(help: "The SQLite index to build (deleted first) or a postgres:// URL (dropped first).")
        var db: String = "/tmp/sightline-bench.sqlite"

        @Option(help: "Passes over the queries at each size.")
        var repeats = 3

        @Option(help: "Threads a search scores with (default: all cores).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        @Option(help: "Tracks per add call while building.")
        var chunk = 50_000

        @Flag(help: "Print JSON rows instead of a table.")
        var json = false

        func validate() throws {
            guard !sizes.isEmpty, sizes.allSatisfy({ $0 > 0 }) else { throw ValidationError("--count must list positive sizes, e.g. 1000,100000") }
            guard repeats > 0, threads > 0, chunk > 0 else { throw ValidationError("--repeats, --threads and --chunk must be positive") }
        }

        var sizes: [Int] {
            count.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) }.sorted()
        }

        func run() async throws {
            let originals = try TrackFile.load(from: URL(fileURLWithPath: tracks)).map(Original.init)
            let queryRecords = try QueryFile.load(from: URL(fileURLWithPath: queries))
            if db.hasPrefix("postgres") {
                try await withIndex(db, access: .write) { index in try await index.drop() }
            } else {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            }
            try await withIndex(db, access: .create) { index in try await measure(index, originals: originals, queries: queryRecords) }
        }

        /// Grows the index to each size in turn and prints a row of figures at each.
        private func measure(_ index: any VehicleIndex, originals: [Original], queries queryRecords: [QueryRecord]) async throws {
            let clock = ContinuousClock()
            var built = 0
            var buildSeconds = 0.0
            if !json { print("tracks      build s   load s   p50 ms   p99 ms   mean ms   score-only p50 ms") }
            for size in sizes {
                let start = clock.now
                while built < size {
                    let n = min(chunk, size - built)
                    let batch = (built..<(built + n)).map { Self.replica(of: originals[$0 % originals.count], number: $0 / originals.count) }
                    _ = try await index.add(batch, options: AddOptions(batchSize: 5000))
                    built += n
                }
                buildSeconds += (clock.now - start).seconds
                let loadStart = clock.now
                let searcher = try await IndexSearcher(index: index, threads: threads)
                let loadSeconds = (clock.now - loadStart).seconds
                let requests = queryRecords.map { SearchRequest(text: $0.nl.joined(separator: "\n"), top: 10) }
                for r in requests.prefix(5) { _ = try await searcher.search(r) }
                var full: [Double] = []
                var scoring: [Double] = []
                for _ in 0..<repeats {
                    for r in requests {
                        let t0 = clock.now
                        _ = try await searcher.search(r)
                        full.append((clock.now - t0).seconds * 1000)
                        let t1 = clock.now
                        _ = searcher.ranked(r)
                        scoring.append((clock.now - t1).seconds * 1000)
                    }
                }
                let row = Row(tracks: searcher.snapshot.count, buildSeconds: buildSeconds, loadSeconds: loadSeconds,
                              p50: Self.percentile(full, 0.5), p99: Self.percentile(full, 0.99), mean: full.reduce(0, +) / Double(full.count),
                              scoringP50: Self.percentile(scoring, 0.5), searches: full.count, threads: threads)
                if json {
                    try printJSON(row, as: .record)
                } else {
                    print(String(format: "%-9d  %8.1f  %7.2f  %7.2f  %7.2f  %8.2f  %8.2f", row.tracks, row.buildSeconds, row.loadSeconds,
                                 row.p50, row.p99, row.mean, row.scoringP50))
                }
            }
        }

        struct Row: Encodable {
            var tracks: Int
            var buildSeconds: Double
            var loadSeconds: Double
            var p50: Double
            var p99: Double
            var mean: Double
            var scoringP50: Double
            var searches: Int
            var threads: Int
        }

        static func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.down)))]
        }

        /// A track split around its scene folder, to make replicas in new scenes cheaply.
        struct Original {
            var track: Track
            /// Each frame path before and after its scene folder.
            var around: [(before: String, after: String)]

            init(_ track: Track) {
                self.track = track
                around = track.frames.map { f in
                    guard let r = f.path.range(of: "\(f.scene)/\(f.camera)/") else { return (f.path, "") }
                    return (String(f.path[..<r.lowerBound]), String(f.path[r.lowerBound...].dropFirst(f.scene.count)))
                }
            }
        }

        /// Replica `number` of a track (0 is the track itself): a new id, in a new scene.
        static func replica(of original: Original, number: Int) -> Track {
            let track = original.track
            guard number > 0 else { return track }
            let scene = track.scene + String(format: "%07d", number)
            var frames: [FrameRef] = []
            frames.reserveCapacity(track.frames.count)
            for (f, a) in zip(track.frames, original.around) {
                frames.append(FrameRef(path: a.after.isEmpty ? a.before : a.before + scene + a.after, scene: scene, camera: f.camera, frame: f.frame))
            }
            return Track(id: "\(track.id)-r\(number)", frames: frames, boxes: track.boxes, nl: track.nl, otherViews: track.otherViews)
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
