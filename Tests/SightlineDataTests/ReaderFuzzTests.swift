import Foundation
@testable import SightlineData
import SightlineTestSupport
import Testing

/// Seeded mutation fuzzing of the track, query and truth readers: every mutated input must
/// load or throw a `DataError`; a trap ends the test run. `SIGHTLINE_FUZZ_ITERATIONS` runs more
/// than the CI count (e.g. `SIGHTLINE_FUZZ_ITERATIONS=200000 swift test -c release --filter Fuzz`).
@Suite struct ReaderFuzzTests {
    static let iterations = Mutator.iterations(default: 3_000)

    static let trackSeeds: [[UInt8]] = {
        let tracks = SampleTracks.turnStraightStop + [
            Track(id: "é🚗", frames: SampleTracks.frames("c009", 2), boxes: [Box(x: 0.5, y: -3, w: 1e-3, h: 99_999), Box(x: 1, y: 2, w: 3, h: 4)],
                  nl: ["A \"quoted\"\ttab.", "\u{1}"], otherViews: ["Another view."]),
        ]
        let written = (try? CityFlowFileWriter.trackFile(tracks).serialized()) ?? "{}"
        return [Array(written.utf8), Array(#"{"t": {"frames": ["./train/S01/c003/img1/000001.jpg"], "boxes": [[1, 2, 30, 40]]}}"#.utf8)]
    }()

    static let querySeeds: [[UInt8]] = [
        Array(#"{"q1": ["A red sedan turns left.", "A car.", "A sedan."], "q2": ["Ein Wagen fährt 🚗."]}"#.utf8),
        Array(#"{"q1": {"nl": ["A car goes straight."], "nl_other_views": ["A white car."]}, "q\u00e9": {"nl": ["x"]}}"#.utf8),
    ]

    static let truthSeeds: [[UInt8]] = [
        Array(#"{"q1": "left", "q2": ["straight", "stopped"], "q3": "t\u0041"}"#.utf8),
    ]

    /// Runs `read` on every mutated input and prints the tally; returns how many loaded and how many were refused.
    static func fuzz<T>(_ target: String, _ seeds: [[UInt8]], seed: UInt64, _ read: ([UInt8]) throws(DataError) -> T) -> (loaded: Int, refused: Int) {
        let mutator = Mutator(seeds: seeds)
        var loaded = 0, refused = 0
        for i in 0..<iterations {
            do {
                _ = try read(mutator.input(i, seed: seed))
                loaded += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        print("fuzz \(target): \(iterations) inputs, \(loaded) loaded, \(refused) refused with a DataError")
        return (loaded, refused)
    }

    @Test func trackFilesLoadOrThrow() {
        let result = Self.fuzz("track files", Self.trackSeeds, seed: 1) { bytes throws(DataError) in try TrackFile.tracks(bytes, file: "tracks.json") }
        #expect(result.loaded + result.refused == Self.iterations)
        #expect(result.loaded > 0 && result.refused > 0, "\(result)")
    }

    @Test func queryFilesLoadOrThrow() {
        let result = Self.fuzz("query files", Self.querySeeds, seed: 2) { bytes throws(DataError) in try QueryFile.queries(bytes, file: "queries.json") }
        #expect(result.loaded + result.refused == Self.iterations)
        #expect(result.loaded > 0 && result.refused > 0, "\(result)")
    }

    @Test func truthFilesLoadOrThrow() {
        let result = Self.fuzz("truth files", Self.truthSeeds, seed: 3) { bytes throws(DataError) in try GroundTruth.truth(bytes, file: "truth.json") }
        #expect(result.loaded + result.refused == Self.iterations)
        #expect(result.loaded > 0 && result.refused > 0, "\(result)")
    }

    /// Every string a reader returns holds exactly the scalars of valid UTF-8 input, never a replacement character it made up.
    @Test func loadedStringsAreNeverRepaired() {
        let mutator = Mutator(seeds: Self.querySeeds)
        for i in 0..<Self.iterations {
            let input = mutator.input(i, seed: 4)
            let madeUp = input.indices.dropLast(2).contains { input[$0] == 0xEF && input[$0 + 1] == 0xBF && input[$0 + 2] == 0xBD }
            guard !madeUp,
                  let queries = try? QueryFile.queries(input, file: "queries.json") else { continue }
            for q in queries {
                #expect(!q.id.unicodeScalars.contains("\u{FFFD}") && !q.nl.joined().unicodeScalars.contains("\u{FFFD}"), "iteration \(i)")
            }
        }
    }
}
