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
            A --host beyond loopback needs an access token (--token-file, or SIGHTLINE_TOKEN): clients send \
            'Authorization: Bearer TOKEN'. Requests naming another Host than the loopback names or --host \
            are refused; --allowed-host adds the names a proxy or clients use.
            """)

    @Option(help: ArgumentHelp(IndexOptions.help))
    var db: String?

    @Option(help: "A CityFlow-NL track file to serve without an index.")
    var tracks: String?

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(help: "A file holding the access token (\(ServerConfiguration.minimumTokenCharacters)+ characters) every API request must send as 'Authorization: Bearer TOKEN'; SIGHTLINE_TOKEN when absent. Required with a --host beyond loopback.")
    var tokenFile: String?

    @Option(help: ArgumentHelp("A Host header to accept besides 127.0.0.1, localhost, [::1] and --host: NAME (any port) or NAME:PORT; repeat for more.", valueName: "name"))
    var allowedHost: [String] = []

    @Option(help: "Seconds a connection may stay silent (between requests, or within headers or a body) before it is closed.")
    var idleTimeout = 30.0

    @Option(help: "Connections served at once; more wait for one to close (lowered to fit the open-file limit).")
    var maxConnections = 1_024

    @Option(help: "With --db: seconds between checks for tracks other processes wrote (0: never reload).")
    var refreshSeconds = 5.0

    @OptionGroup var ranking: RankingOptions

    @OptionGroup(title: "Pixels (with --tracks: thumbnails, motion maps, colour and type from the frames)")
    var pixels: PixelOptions
    @OptionGroup var missingFrames: MissingFrameOptions

    func validate() throws {
        guard (db == nil) != (tracks == nil) else { throw ValidationError("give exactly one of --db and --tracks") }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard refreshSeconds >= 0, refreshSeconds.isFinite else { throw ValidationError("--refresh-seconds must be 0 or more") }
        guard idleTimeout > 0, idleTimeout <= 86_400 else { throw ValidationError("--idle-timeout must be more than 0 and at most 86400 seconds") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        if db != nil, pixels.framesRoot != nil {
            throw ValidationError("--frames-root goes with --tracks; an index keeps the frames root it was built with")
        }
    }

    func run() async throws {
        let configuration = try serverConfiguration()
        let ranker = try ranking.ranker()
        if let db {
            let layout = try ranking.layout()
            try await withIndex(db, layout: layout, access: .read) { index in
                let searcher = try await IndexSearcher(index: index, ranker: ranker, layout: layout)
                let watcher = refreshSeconds > 0 ? Task { [refreshSeconds] in
                    await searcher.watch(every: .milliseconds(Int(clamping: refreshSeconds * 1000))) { event in
                        switch event {
                        case let .reloaded(count): printError("sightline: index changed; serving \(count) tracks")
                        case let .failed(reason): printError("sightline: could not check the index for changes: \(reason)")
                        }
                    }
                } : nil
                defer { watcher?.cancel() }
                try await serve(searcher, configuration)
            }
        } else if let tracks {
            let list = try TrackFile.load(from: URL(fileURLWithPath: tracks))
            let gallery = try ranking.gallery(list, appearance: try pixels.appearance(of: list, strict: missingFrames.strict), for: ranker,
                                              frames: pixels.images, engine: pixels.describer.engine)
            try await serve(MemoryBackend(tracks: list, framesRoot: pixels.framesRoot, appearance: gallery.appearance, learned: gallery.learned, learnedReadings: gallery.learnedReadings, ranker: ranker),
                            configuration)
        } else {
            throw ValidationError("give exactly one of --db and --tracks")
        }
    }

    /// The checked server settings, before any track is loaded: a missing or short token stops here.
    private func serverConfiguration() throws -> ServerConfiguration {
        let connections = DescriptorLimit.fit(connections: maxConnections)
        if connections < maxConnections {
            printError("sightline: serving at most \(connections) connections at once: the open-file limit (ulimit -n) leaves no room for \(maxConnections)")
        }
        let configuration = ServerConfiguration(host: host, port: port, cacheDirectory: URL(fileURLWithPath: pixels.cache), token: try token(),
                                                allowedHosts: allowedHost, idleTimeout: .milliseconds(Int(clamping: (idleTimeout * 1_000).rounded())),
                                                maxConnections: connections)
        let checked: ServerConfiguration
        do {
            checked = try configuration.validated()
        } catch {
            throw ValidationError(error.description)
        }
        if ["0.0.0.0", "::", "[::]"].contains(host), allowedHost.isEmpty {
            printError("sightline: --host \(host) listens on every address but answers only Host 127.0.0.1, localhost or [::1]; "
                       + "add --allowed-host NAME for each name or address clients use")
        }
        return checked
    }

    /// The token from --token-file (surrounding whitespace dropped), else from SIGHTLINE_TOKEN.
    private func token() throws -> String? {
        let text: String
        if let tokenFile {
            guard let data = FileManager.default.contents(atPath: tokenFile), let contents = String(data: data, encoding: .utf8) else {
                throw ValidationError("--token-file \(tokenFile): cannot read it as UTF-8 text")
            }
            text = contents
        } else if let variable = ProcessInfo.processInfo.environment["SIGHTLINE_TOKEN"] {
            text = variable
        } else {
            return nil
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw ValidationError("\(tokenFile.map { "--token-file \($0)" } ?? "SIGHTLINE_TOKEN") is empty") }
        return token
    }

    private func serve(_ backend: any SearchBackend, _ configuration: ServerConfiguration) async throws {
        try await SightlineServer(backend: backend, configuration: configuration, frames: Videos.frames).run { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            printError("sightline: serving http://\(shown):\(port)/\(configuration.token == nil ? "" : " (API requests need the access token)")")
        }
    }
}
