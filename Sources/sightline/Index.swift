import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlineIndex

struct Index: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build and inspect the persistent search index (SQLite file or PostgreSQL URL).",
        subcommands: [Add.self, Remove.self, Stats.self, Check.self, Drop.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add tracks to the index, or update them when already there.",
            discussion: """
                Stores each track (frames, boxes, camera, descriptions), its trajectory and ranking features, and, \
                with --frames-root, the colour and type its pixels show. Tracks are written camera by camera in \
                transactions: an interrupted add leaves every track fully in or fully out. Adding a track again \
                replaces it; the features of every other track of its camera are recomputed, since camera context \
                and neighbours depend on all of them. A SQLite file that --db names is created when missing.
                """)

        @Option(help: "CityFlow-NL track file ({uuid: {frames, boxes}}).")
        var tracks: String

        @OptionGroup var index: IndexOptions
        @OptionGroup var learned: LearnedModelOptions

        @Option(help: "Tracks per transaction (a camera's tracks always share one).")
        var batchSize = 2000

        @OptionGroup(title: "Pixels (optional: with --frames-root, colour and type from the frames are stored)")
        var pixels: PixelOptions
        @OptionGroup var missingFrames: MissingFrameOptions

        func validate() throws {
            guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        }

        func run() async throws {
            let list = try TrackFile.load(from: URL(fileURLWithPath: tracks))
            try await IndexAdding(db: index.db, layout: try learned.layout(), pixels: pixels.settings, batchSize: batchSize,
                                  strict: missingFrames.strict).add(list, framesRoot: pixels.framesRoot)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove tracks by id and recompute their cameras.")

        @OptionGroup var index: IndexOptions
        @OptionGroup var learned: LearnedModelOptions

        @Argument(help: "Track ids.")
        var ids: [String]

        func run() async throws {
            let removed = try await withIndex(index.db, layout: try learned.layout(), access: .write) { index in try await index.remove(ids) }
            printError("index: removed \(removed) of \(ids.count) tracks")
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Counts, versions and row consistency of an index (`index check` reads every page and row).")

        @OptionGroup var index: IndexOptions
        @OptionGroup var learned: LearnedModelOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let (stats, integrity) = try await withIndex(index.db, layout: try learned.layout(), access: .read) { index in (try await index.stats(), try await index.integrity()) }
            if json {
                try printJSON(Report(stats: stats, integrity: integrity))
                return
            }
            print("index       \(stats.location) (\(stats.backend))")
            print("tracks      \(stats.tracks) (\(stats.tracksWithPixels) with pixels), \(stats.frames) frames, \(stats.cameras) cameras")
            let version = stats.featureVersion ?? "none yet"
            print("features    \(version)\(stats.featureVersion.map { $0 == stats.currentFeatureVersion ? "" : " — this build computes \(stats.currentFeatureVersion): rebuild the index" } ?? "")")
            print("pixels      \(stats.appearanceModel ?? "none")")
            print("frames      \(stats.framesRoots.isEmpty ? "no frames root" : stats.framesRoots.joined(separator: ", "))")
            print("generation  \(stats.generation)")
            print("rows        \(integrity.isWhole ? "every track has its features and camera" : "\(integrity.tracksWithoutFeatures) tracks without features, \(integrity.featuresWithoutTrack) orphan features, \(integrity.inconsistentCameras) inconsistent cameras") (counted, pages not read: `sightline index check` reads them)")
        }

        /// `index stats --json`.
        struct Report: Encodable {
            var stats: IndexStats
            var integrity: IntegrityReport
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check an index for damage; exits 1, saying how to rebuild it, on any problem.",
            discussion: """
                Runs SQLite's integrity_check over every page of a SQLite file (for PostgreSQL, page-level checks \
                are the server's amcheck), then decodes every track, feature and camera row and compares the \
                counts, counters and feature version. Opens the index read-only.
                """)

        @OptionGroup var index: IndexOptions
        @OptionGroup var learned: LearnedModelOptions

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let report: IndexCheck
            do {
                report = try await withIndex(index.db, layout: try learned.layout(), access: .read) { index in try await index.check() }
            } catch let error as IndexError {
                switch error {
                case .missing, .badLocation, .needsMigration: throw error
                default:
                    printError("index check: \(index.db) cannot be read: \(error)\n\(IndexError.rebuildAdvice(index.db))")
                    throw ExitCode.failure
                }
            }
            if json {
                try printJSON(report)
            } else {
                print("index       \(report.location) (\(report.backend))")
                print("checked     \(report.checks.joined(separator: "; "))")
                print("tracks      \(report.tracks)")
                for problem in report.problems { print("problem     \(problem)") }
                print("verdict     \(report.isSound ? "sound" : "DAMAGED (\(report.problemCount) problem\(report.problemCount == 1 ? "" : "s"))")")
            }
            if !report.isSound {
                printError("index check: \(report.location) is damaged. \(IndexError.rebuildAdvice(report.location))")
                throw ExitCode.failure
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete every table of an index (to rebuild it).")

        @OptionGroup var index: IndexOptions
        @OptionGroup var learned: LearnedModelOptions

        func run() async throws {
            let location = try await withIndex(index.db, layout: try learned.layout(), access: .write) { index in
                try await index.drop()
                return index.location
            }
            printError("index: dropped \(location)")
        }
    }
}
