import Foundation
import SightlineData
import SightlineIndex
import SightlineLanguage
import Testing

/// The real CityFlow-NL files in `../shared`, and synthetic tracks for tests that need none.
enum Fixtures {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    static let testTracksURL = shared.appendingPathComponent("cityflow-nl/2022/test-tracks.json")
    static let testQueriesURL = shared.appendingPathComponent("cityflow-nl/2022/test-queries.json")
    static let valTracksURL = shared.appendingPathComponent("cityflow-nl/2022/val-tracks.json")
    static let sharedAbsent = !FileManager.default.fileExists(atPath: testTracksURL.path)
    static let sharedSkip: Comment = "../shared is absent: the real CityFlow-NL tracks are unavailable"

    static let testTracks: [Track] = (try? TrackFile.load(from: testTracksURL)) ?? []
    static let testQueries: [QueryRecord] = (try? QueryFile.load(from: testQueriesURL)) ?? []
    static let valTracks: [Track] = (try? TrackFile.load(from: valTracksURL)) ?? []

    /// A track moving along a line (or turning), `frames` boxes long, in camera `camera` of scene S01.
    static func track(_ id: String, camera: String = "c001", scene: String = "S01", start: Int = 1, frames: Int = 30,
                      from: (Double, Double) = (500, 900), step: (Double, Double) = (0, -20), turnAt: Int? = nil, still: Int = 0) -> Track {
        var refs: [FrameRef] = []
        var boxes: [Box] = []
        var (x, y) = from
        var (dx, dy) = step
        for i in 0..<frames {
            let frame = start + i
            refs.append(FrameRef(path: "train/\(scene)/\(camera)/img1/\(String(format: "%06d", frame)).jpg", scene: scene, camera: camera, frame: frame))
            boxes.append(Box(x: x.rounded(), y: y.rounded(), w: 40, h: 40))
            if i >= still { x += dx; y += dy }
            if let turnAt, i == turnAt { (dx, dy) = (-dy, dx) }
        }
        return Track(id: id, frames: refs, boxes: boxes)
    }

    /// A small gallery over three cameras, with a stopping track, neighbours and turns.
    static let small: [Track] = [
        track("a", camera: "c001"),
        track("b", camera: "c001", from: (540, 980)),
        track("c", camera: "c001", frames: 40, still: 20),
        track("d", camera: "c002", turnAt: 15),
        track("e", camera: "c002", start: 100),
        track("f", camera: "c003", step: (25, 0), turnAt: 10),
    ]

    /// Deterministic colour and type distributions per track, for the pixel terms.
    static func appearance(of tracks: [Track]) -> [String: TrackAppearance] {
        var rng = SplitMix(seed: 7)
        var out: [String: TrackAppearance] = [:]
        for t in tracks {
            var colours: [VehicleColor: Double] = [:]
            for c in VehicleColor.allCases.shuffled(using: &rng).prefix(3) { colours[c] = Double.random(in: 0.05...1, using: &rng) }
            var types: [BodyType: Double] = [:]
            for b in BodyType.allCases.shuffled(using: &rng).prefix(2) { types[b] = Double.random(in: 0.05...1, using: &rng) }
            out[t.id] = TrackAppearance(colours: TrackAppearance.average([colours]), types: TrackAppearance.average([types]))
        }
        return out
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-index-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The built `sightline` tool next to the test bundle.
    static let binary: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("sightline")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    /// Writes tracks as a CityFlow-NL track file.
    static func writeTrackFile(_ tracks: [Track], to url: URL) throws {
        var text = "{"
        for (i, t) in tracks.enumerated() {
            if i > 0 { text += ",\n" }
            text += "\"\(t.id)\": {\"frames\": [" + t.frames.map { "\"\($0.path)\"" }.joined(separator: ",") + "], \"boxes\": ["
            text += t.boxes.map { "[\(Int($0.x)),\(Int($0.y)),\(Int($0.w)),\(Int($0.h))]" }.joined(separator: ",") + "]}"
        }
        text += "}\n"
        try Data(text.utf8).write(to: url)
    }
}

struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Where each backend's test indexes live.
enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["SIGHTLINE_TEST_POSTGRES_URL"]
    static let postgresSkip: Comment = "SIGHTLINE_TEST_POSTGRES_URL is unset: run the tests through scripts/test.sh (it starts a throwaway PostgreSQL) or scripts/with-postgres.sh swift test"

    /// A location for a new, empty index.
    func freshLocation() -> String {
        switch self {
        case .sqlite:
            return Fixtures.temporaryDirectory().appendingPathComponent("index.sqlite").path
        case .postgres:
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let base = Self.postgresURL ?? ""
            return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }
}
