/// One frame of a track, located by its CityFlow path
/// (`./train/S01/c003/img1/000028.jpg` is scene S01, camera c003, frame 28).
public struct FrameRef: Sendable, Hashable, Codable {
    /// The path as written in the file, without a leading `./`, relative to the frames root.
    public var path: String
    public var scene: String
    public var camera: String
    public var frame: Int

    public init(path: String, scene: String, camera: String, frame: Int) {
        self.path = path
        self.scene = scene
        self.camera = camera
        self.frame = frame
    }

    /// Parses a CityFlow frame path; nil when it lacks a scene folder (`S..`), a camera folder
    /// (`c...`) or a numeric file name.
    public init?(path raw: String) {
        var path = Substring(raw)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let file = parts.last,
              let stem = file.split(separator: ".").first, let frame = Int(stem), frame >= 0,
              let cameraIndex = parts.lastIndex(where: { Self.isCamera($0) }), cameraIndex > 0,
              Self.isScene(parts[cameraIndex - 1])
        else { return nil }
        self.init(path: String(path), scene: String(parts[cameraIndex - 1]), camera: String(parts[cameraIndex]), frame: frame)
    }

    private static func isCamera(_ s: Substring) -> Bool {
        s.count > 1 && s.first == "c" && s.dropFirst().allSatisfy(\.isNumber)
    }

    private static func isScene(_ s: Substring) -> Bool {
        s.count > 1 && s.first == "S" && s.dropFirst().allSatisfy(\.isNumber)
    }
}
