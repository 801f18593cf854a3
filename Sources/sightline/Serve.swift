import ArgumentParser
import Foundation
import SightlineData
import SightlineIndex
import SightlineSearch
import SightlineServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the search API and web page over HTTP.",
        discussion: """
            Over an index (--db) or, without one, over a track file ranked in memory (--tracks, with \
            --frames-root for thumbnails, motion maps and colour). Open http://HOST:PORT/ in a browser; \
            the API is POST /search, GET /tracks/{id}[/thumbnail|/motion-map], GET /vocabulary, GET /health.
            """)

    @Option(help: ArgumentHelp(IndexOptions.help))
    var db: String?

    @Option(help: "A CityFlow-NL track file to serve without an index.")
    var tracks: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "With --db: seconds between checks for tracks other processes wrote (0: never reload).")
    var refreshSeconds = 5.0

    @OptionGroup var ranking: RankingOptions

    @OptionGroup(title: "Pixels (with --tracks: thumbnails, motion maps, colour and type from the frames)")
    var pixels: PixelOptions

    func validate() throws {
        guard (db == nil) != (tracks == nil) else { throw ValidationError("give exactly one of --db and --tracks") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard refreshSeconds >= 0, refreshSeconds.isFinite else { throw ValidationError("--refresh-seconds must be 0 or more") }
        if db != nil, pixels.framesRoot != nil {
            throw ValidationError("--frames-root goes with --tracks; an index keeps the frames root it was built with")
        }
    }

    func run() async throws {
        let ranker = try ranking.ranker()
        if let db {
            try await withIndex(db, access: .read) { index in
                let searcher = try await IndexSearcher(index: index, ranker: ranker)
                let watcher = refreshSeconds > 0 ? Task { [refreshSeconds] in
                    await searcher.watch(every: .milliseconds(Int(clamping: refreshSeconds * 1000))) { event in
                        switch event {
                        case let .reloaded(count): printError("sightline: index changed; serving \(count) tracks")
                        case let .failed(reason): printError("sightline: could not check the index for changes: \(reason)")
                        }
                    }
                } : nil
                defer { watcher?.cancel() }
                try await serve(searcher)
            }
        } else if let tracks {
            let list = try TrackFile.load(from: URL(fileURLWithPath: tracks))
            try await serve(MemoryBackend(tracks: list, framesRoot: pixels.framesRoot, appearance: try pixels.appearance(of: list), ranker: ranker))
        } else {
            throw ValidationError("give exactly one of --db and --tracks")
        }
    }

    private func serve(_ backend: any SearchBackend) async throws {
        let configuration = ServerConfiguration(host: host, port: port, cacheDirectory: URL(fileURLWithPath: pixels.cache))
        try await SightlineServer(backend: backend, configuration: configuration).run { port in
            printError("sightline: serving http://\(host):\(port)/")
        }
    }
}
