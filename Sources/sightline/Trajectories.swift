import ArgumentParser
import Foundation
import SightlineData
import SightlineLanguage
import SightlineLearning
import SightlineTracks

struct Trajectories: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the boxes say: each track's motion class, stops and camera context.",
        discussion: """
        Each track's rule-based path class beside the learned model's calibrated readings (straight / left / \
        right, stops, waits at an intersection). With described tracks, --agreement compares the learned \
        reading's path with what the descriptions say (--rules: the rules' path class instead).
        """
    )

    @Option(help: "CityFlow-NL track file.")
    var tracks: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print how often the path class matches the descriptions' voted motion.")
    var agreement = false

    @Flag(help: "With --agreement: judge the rules' path class (heading change) instead of the learned reading.")
    var rules = false

    @OptionGroup var learned: LearnedModelOptions

    func validate() throws {
        if rules && !agreement { throw ValidationError("--rules goes with --agreement") }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: tracks)
        let list = try TrackFile.load(from: url)
        let analysis = TrackAnalysis(tracks: list)
        let readings = try learned.similarity().readings(of: list, analysis: analysis)
        if agreement {
            let paths = rules ? analysis.trajectories.mapValues(\.turn) : readings.mapValues(\.turn)
            let report = MotionAgreement(tracks: list, paths: paths, understanding: TypedUnderstanding(),
                                         probabilities: rules ? [:] : readings)
            print((rules ? "rules (heading change): " : "learned reading: ") + report.summary)
            return
        }
        if json {
            try printJSONLines(list.map { t in
                TrackRow(id: t.id, camera: t.cameraKey, frames: t.frames.count,
                         trajectory: analysis.trajectories[t.id], cameraAtIntersection: analysis.camera(of: t)?.isIntersection ?? false,
                         neighbours: (analysis.neighbours[t.id] ?? []).map(\.id), learned: readings[t.id])
            })
            return
        }
        print("track                                 camera     frames  turn        deg  still  intersection  neighbours  learned")
        for t in list {
            guard let tr = analysis.trajectories[t.id] else { continue }
            let line = String(format: "%@  %@  %6d  %@ %5.0f  %5d  %@  %10d  %@",
                              t.id, t.cameraKey.padding(toLength: 9, withPad: " ", startingAt: 0), t.frames.count,
                              tr.turn.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0), tr.headingChange, tr.longestStillFrames,
                              (analysis.camera(of: t)?.isIntersection == true ? "yes" : "no").padding(toLength: 12, withPad: " ", startingAt: 0),
                              analysis.neighbours[t.id]?.count ?? 0, readings[t.id]?.summary ?? "-")
            print(line)
        }
    }

    struct TrackRow: Encodable {
        var id: String
        var camera: String
        var frames: Int
        var trajectory: Trajectory?
        var cameraAtIntersection: Bool
        var neighbours: [String]
        var learned: TrackProbabilities?
    }
}

/// How often a path class (the rules' or the learned reading's) matches the turn the descriptions vote for.
struct MotionAgreement {
    var considered = 0
    var matched = 0
    /// Tracks the descriptions call straight: what always answering straight would match.
    var straight = 0
    var confusion: [String: Int] = [:]
    /// Expected calibration error of the learned reading's path probabilities, when they were given.
    var ece: Double?

    init(tracks: [Track], paths: [String: Motion], understanding: any QueryUnderstanding, probabilities: [String: TrackProbabilities] = [:]) {
        var calibration: (probabilities: [[Double]], labels: [Int]) = ([], [])
        for t in tracks where !t.nl.isEmpty {
            guard let said = understanding.profile(of: t.nl).motions.saidTurn, let path = paths[t.id] else { continue }
            if let p = probabilities[t.id] {
                calibration.probabilities.append([p.straight, p.left, p.right])
                calibration.labels.append(said == .leftTurn ? 1 : said == .rightTurn ? 2 : 0)
            }
            considered += 1
            if said == path { matched += 1 }
            if said == .straight { straight += 1 }
            confusion["said \(said.rawValue), path \(path.rawValue)", default: 0] += 1
        }
        if !calibration.labels.isEmpty {
            ece = TrackReadings.calibration(probabilities: calibration.probabilities, labels: calibration.labels).ece
        }
    }

    var summary: String {
        let share = { (n: Int) in considered > 0 ? 100 * Double(n) / Double(considered) : 0 }
        var lines = [String(format: "tracks whose descriptions name a turn or straight: %d; path agrees: %d (%.1f%%); always straight: %.1f%%",
                            considered, matched, share(matched), share(straight))
                     + (ece.map { String(format: "; ECE %.3f", $0) } ?? "")]
        for (k, v) in confusion.sorted(by: { $0.key < $1.key }) { lines.append("  \(k): \(v)") }
        return lines.joined(separator: "\n")
    }
}
