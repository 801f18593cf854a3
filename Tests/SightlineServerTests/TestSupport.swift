import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlineSearch
import SightlineServer
import Testing

/// Locations of the shared real data, with skip messages.
enum SharedData {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let root = repository.deletingLastPathComponent().appendingPathComponent("shared/data")
    static let testTracks = root.appendingPathComponent("cityflow-nl/2022/test-tracks.json")
    static let testQueries = root.appendingPathComponent("cityflow-nl/2022/test-queries.json")
    static let sampleFrames = root.appendingPathComponent("cityflow-sample/frames")
    static let sampleTracks = root.appendingPathComponent("cityflow-sample/test-tracks.json")
    static let present = FileManager.default.fileExists(atPath: testTracks.path) && FileManager.default.fileExists(atPath: testQueries.path)
    static let samplePresent = FileManager.default.fileExists(atPath: sampleTracks.path) && FileManager.default.fileExists(atPath: sampleFrames.path)
    static let skip: Comment = "../shared/data/cityflow-nl/2022 is absent: real CityFlow-NL tracks unavailable"
    static let sampleSkip: Comment = "../shared/data/cityflow-sample is absent: real CityFlow frames unavailable"
}

/// Small synthetic tracks on two cameras: a left turn, a straight drive and a stop.
enum Fixture {
    static func frames(_ camera: String, _ count: Int) -> [FrameRef] {
        (1...count).map { FrameRef(path: "S01/\(camera)/img1/\(String(format: "%06d", $0)).jpg", scene: "S01", camera: camera, frame: $0) }
    }

    static let tracks: [Track] = [
        Track(id: "left", frames: frames("c001", 5),
              boxes: [Box(x: 500, y: 900, w: 40, h: 40), Box(x: 500, y: 700, w: 40, h: 40), Box(x: 500, y: 500, w: 40, h: 40),
                      Box(x: 300, y: 500, w: 40, h: 40), Box(x: 100, y: 500, w: 40, h: 40)],
              nl: ["A red sedan turns left."]),
        Track(id: "straight", frames: frames("c002", 4),
              boxes: [Box(x: 500, y: 900, w: 40, h: 40), Box(x: 500, y: 700, w: 40, h: 40), Box(x: 500, y: 500, w: 40, h: 40),
                      Box(x: 500, y: 300, w: 40, h: 40)]),
        Track(id: "stopped", frames: frames("c002", 20),
              boxes: (0..<20).map { i in Box(x: 800, y: 600 - Double(min(i, 3)) * 30, w: 60, h: 50) }),
    ]

    static var backend: MemoryBackend { MemoryBackend(tracks: tracks) }
}

/// Request helpers over Hummingbird's test client.
extension TestClientProtocol {
    func postJSON(_ uri: String, _ json: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: json))
    }

    func get(_ uri: String) async throws -> TestResponse {
        try await execute(uri: uri, method: .get)
    }
}

extension TestResponse {
    func decoded<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(buffer: body))
    }

    /// The `error` of a `{"error": "..."}` body.
    var errorMessage: String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])?["error"] as? String
    }
}

/// The response shapes as a client reads them.
struct SearchResult: Decodable, Equatable {
    struct Hit: Decodable, Equatable {
        struct Part: Decodable, Equatable {
            var term: String
            var weight: Double
            var score: Double
            var value: Double
            var reason: String
        }
        var rank: Int
        var track: String
        var camera: String
        var total: Double
        var contributions: [Part]
    }
    var text: String
    var top: Int
    var hits: [Hit]
}

struct TrackResult: Decodable {
    struct Trajectory: Decodable {
        var turn: String
        var stops: Bool
        var longestStillFrames: Int
    }
    struct Images: Decodable {
        var thumbnail: String?
        var motionMap: String?
    }
    var id: String
    var camera: String
    var frameCount: Int
    var boxes: [[Double]]
    var descriptions: [String]
    var trajectory: Trajectory
    var images: Images
}

/// Width and height from a PNG's IHDR chunk; nil when the bytes are not a PNG.
func pngSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
    guard bytes.count > 24, bytes.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { return nil }
    let be = { (o: Int) in bytes[o..<o + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (be(16), be(20))
}
