import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlineSearch
import SightlineServer
import SightlineTestSupport
import Testing

/// Small synthetic tracks on two cameras: a left turn, a straight drive and a stop.
enum Fixture {
    static let tracks = SampleTracks.turnStraightStop

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

    /// A header by name, for those HTTPTypes has no constant for.
    func header(_ name: String) -> String? {
        HTTPFields.Element.Name(name).flatMap { headers[$0] }
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
        var colourRegion: String?
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
