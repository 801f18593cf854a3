import ArgumentParser
import Foundation
import SightlineData
import SightlineLanguage
import SightlineTracks

struct Trajectories: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the boxes say: each track's motion class, stops and camera context.",
        discussion: "With described tracks, --agreement compares the trajectory's turn class with what the descriptions say."
    )

    @Option(help: "CityFlow-NL track file.")
    var tracks: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print how often the trajectory's turn class matches the descriptions' voted motion.")
    var agreement = false

    func run() async throws {
        let url = URL(fileURLWithPath: tracks)
        let list = try TrackFile.load(from: url)
        let analysis = TrackAnalysis(tracks: list)
        if agreement {
            let report = MotionAgreement(tracks: list, analysis: analysis, understanding: TypedUnderstanding())
            print(report.summary)
            return
        }
        if json {
            try printJSONLines(list.map { t in
                TrackRow(id: t.id, camera: t.cameraKey, frames: t.frames.count,
                         trajectory: analysis.trajectories[t.id], cameraAtIntersection: analysis.camera(of: t)?.isIntersection ?? false,
                         neighbours: (analysis.neighbours[t.id] ?? []).map(\.id))
            })
            return
        }
        print("track                                 camera     frames  turn        deg  still  intersection  neighbours")
        for t in list {
            guard let tr = analysis.trajectories[t.id] else { continue }
            let line = String(format: "%@  %@  %6d  %@ %5.0f  %5d  %@  %d",
                              t.id, t.cameraKey.padding(toLength: 9, withPad: " ", startingAt: 0), t.frames.count,
                              tr.turn.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0), tr.headingChange, tr.longestStillFrames,
                              (analysis.camera(of: t)?.isIntersection == true ? "yes" : "no").padding(toLength: 12, withPad: " ", startingAt: 0),
                              analysis.neighbours[t.id]?.count ?? 0)
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
    }
}

/// How often the boxes' turn class matches the turn the descriptions vote for.
struct MotionAgreement {
    var considered = 0
    var matched = 0
    var confusion: [String: Int] = [:]

    init(tracks: [Track], analysis: TrackAnalysis, understanding: any QueryUnderstanding) {
        for t in tracks where !t.nl.isEmpty {
            let motions = understanding.profile(of: t.nl).motions
            let said = [Motion.straight, .leftTurn, .rightTurn].filter { motions[$0] > 0 }.max { motions[$0] < motions[$1] }
            guard let said, let trajectory = analysis.trajectories[t.id] else { continue }
            considered += 1
            if said == trajectory.turn { matched += 1 }
            confusion["said \(said.rawValue), path \(trajectory.turn.rawValue)", default: 0] += 1
        }
    }

    var summary: String {
        var lines = [String(format: "tracks whose descriptions name a turn or straight: %d; trajectory agrees: %d (%.1f%%)",
                            considered, matched, considered > 0 ? 100 * Double(matched) / Double(considered) : 0)]
        for (k, v) in confusion.sorted(by: { $0.key < $1.key }) { lines.append("  \(k): \(v)") }
        return lines.joined(separator: "\n")
    }
}
