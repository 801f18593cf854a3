import ArgumentParser
import Foundation
import SightlineData
import SightlineIndex
import SightlineRanking
import SightlineSearch

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search the index for tracks matching a description.",
        discussion: """
            Parses the description (several descriptions of one vehicle may be given on separate lines), scores \
            every indexed track and prints the best with each term's weight, score and reason. Ranks exactly as \
            `sightline rank` does on the same tracks.
            """)

    @Argument(help: "What to look for, e.g. \"a red pickup turning left at an intersection\".")
    var text: String

    @OptionGroup var index: IndexOptions

    @Option(help: "How many tracks to print.")
    var top = 10

    @Option(help: "Keep only tracks of this camera (S01/c003 or c003; repeatable).")
    var camera: [String] = []

    @Option(help: "Keep only tracks whose pixels most likely show this colour (repeatable). Known: \(VehicleColor.allCases.map(\.rawValue).joined(separator: ", ")).")
    var colour: [String] = []

    @Option(help: "Keep only tracks whose pixels most likely show this body type (repeatable). Known: \(BodyType.allCases.map(\.rawValue).joined(separator: ", ")).")
    var type: [String] = []

    @Flag(help: "Print the hits as JSON.")
    var json = false

    @OptionGroup var ranking: RankingOptions

    var request: SearchRequest { SearchRequest(text: text, top: top, cameras: camera, colours: colour, types: type) }

    func validate() throws {
        do {
            _ = try request.validated(.unbounded)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let request = try request.validated(.unbounded)
        let ranker = try ranking.ranker()
        let clock = ContinuousClock()
        let layout = try ranking.layout()
        let (hits, elapsed, searched) = try await withIndex(index.db, layout: layout, access: .read) { index in
            let searcher = try await IndexSearcher(index: index, ranker: ranker, layout: layout)
            let start = clock.now
            let hits = try await searcher.search(request)
            return (hits, clock.now - start, searcher.snapshot.count)
        }
        if json {
            try printJSON(hits)
        } else {
            let width = hits.flatMap(\.contributions).map(\.term.count).max() ?? 0
            for (rank, hit) in hits.enumerated() {
                print(String(format: "%2d  %@  %@  %.4f", rank + 1, hit.track, hit.camera, hit.total))
                for c in Contribution.byImpact(hit.contributions) {
                    print(String(format: "      %@ %+.4f = %.2f x %.4f  %@", c.term.padding(toLength: width, withPad: " ", startingAt: 0),
                                 c.value, c.weight, c.score, c.reason))
                }
            }
        }
        printError("search: \(hits.count) hits from \(searched) tracks in \(elapsed.formatted(.units(allowed: [.milliseconds], fractionalPart: .show(length: 1))))")
    }
}
