import SightlineData
import SightlineRanking

/// A search as the CLI, the HTTP API and the web page ask for it.
public struct SearchRequest: Sendable, Equatable, Codable {
    /// The description typed by the user (one sentence, or several separated by newlines).
    public var text: String
    /// How many hits to return, best first.
    public var top: Int
    /// Keep only tracks of these cameras ("S01/c003" or "c003"); nil or empty keeps all.
    public var cameras: [String]?
    /// Keep only tracks whose most likely colour (from pixels) is one of these raw `VehicleColor` values.
    public var colours: [String]?
    /// Keep only tracks whose most likely body type (from pixels) is one of these raw `BodyType` values.
    public var types: [String]?

    public init(text: String, top: Int = 10, cameras: [String]? = nil, colours: [String]? = nil, types: [String]? = nil) {
        self.text = text
        self.top = top
        self.cameras = cameras
        self.colours = colours
        self.types = types
    }
}

/// One ranked track with the evidence for its place.
public struct SearchHit: Sendable, Equatable, Codable {
    public var track: String
    /// "S01/c003"
    public var camera: String
    public var total: Double
    /// Each score term's weight, score and reason, in term order.
    public var contributions: [Contribution]

    public init(track: String, camera: String, total: Double, contributions: [Contribution]) {
        self.track = track
        self.camera = camera
        self.total = total
        self.contributions = contributions
    }
}

/// What a search front end (CLI, HTTP server) needs from an index.
public protocol SearchBackend: Sendable {
    /// Ranked hits for a request, best first, at most `request.top`.
    func search(_ request: SearchRequest) async throws -> [SearchHit]
    /// The stored track (frames and boxes, for thumbnails, motion maps and drawn trajectories); nil when unknown.
    func track(id: String) async throws -> Track?
    /// The folder the track's frame paths are relative to, when the index was built with frames.
    func framesRoot(of id: String) async throws -> String?
    /// Every camera ("S01/c003") holding tracks, sorted, for the web page's camera filter; the default is none.
    func cameras() async throws -> [String]
    /// Frames of the stored tracks seen by `camera` ("S01/c003"), to estimate its background for motion maps; the default is none.
    func frames(ofCamera camera: String) async throws -> [FrameRef]
}

extension SearchBackend {
    public func cameras() async throws -> [String] { [] }
    public func frames(ofCamera camera: String) async throws -> [FrameRef] { [] }
}
