import Foundation
import SightlineData
import SightlineIndex
import SightlineLanguage
import SightlineTestSupport
import Testing

/// The real CityFlow-NL files in `../shared`, and synthetic tracks for tests that need none.
enum Fixtures {
    static let testTracksURL = TestData.sharedData("cityflow-nl/2022/test-tracks.json")
    static let testQueriesURL = TestData.sharedData("cityflow-nl/2022/test-queries.json")
    static let valTracksURL = TestData.sharedData("cityflow-nl/2022/val-tracks.json")

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
        var rng = SplitMix64(seed: 7)
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

}

/// Where each backend's test indexes live.
enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    var description: String { rawValue }

    static let postgresURL = ProcessInfo.processInfo.environment["SIGHTLINE_TEST_POSTGRES_URL"]
    static let postgresSkip: Comment = "SIGHTLINE_TEST_POSTGRES_URL is unset: run the tests through scripts/test.sh (it starts a throwaway PostgreSQL) or scripts/with-postgres.sh swift test"

    /// A location for a new, empty index: a file in `scratch`, or a new PostgreSQL schema.
    func freshLocation(in scratch: TemporaryDirectory) -> String {
        switch self {
        case .sqlite: scratch.file("index-\(UUID().uuidString).sqlite").path
        case .postgres: Self.freshPostgresLocation()
        }
    }

    /// The configured PostgreSQL server with a new schema.
    static func freshPostgresLocation() -> String {
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let base = postgresURL ?? ""
        return base + (base.contains("?") ? "&" : "?") + "schema=\(schema)"
    }
}
