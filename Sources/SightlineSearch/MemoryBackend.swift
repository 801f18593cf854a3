import Foundation
import SightlineData
import SightlineRanking

/// A `SearchBackend` over tracks held in memory, ranked by `Ranker` on every search. Serves a
/// track file without building an index, and is the reference the server's tests run against.
public struct MemoryBackend: SearchBackend {
    public let gallery: Gallery
    public let ranker: Ranker
    /// Folder the frame paths are relative to; nil when no frames exist.
    public let frameRoot: String?
    private let indexByID: [String: Int]
    private let framesByCamera: [String: [FrameRef]]
    private let features: GalleryFeatures

    public init(tracks: [Track], framesRoot: String? = nil, appearance: [String: TrackAppearance] = [:],
                learned: [String: [Double]] = [:], learnedReadings: [String: TrackProbabilities] = [:], ranker: Ranker = Ranker()) {
        gallery = Gallery(tracks: tracks, appearance: appearance, learned: learned, learnedReadings: learnedReadings)
        self.ranker = ranker
        frameRoot = framesRoot
        indexByID = Dictionary(tracks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        framesByCamera = Dictionary(grouping: tracks, by: \.cameraKey).mapValues { $0.flatMap(\.frames) }
        features = ranker.features(of: gallery)
    }

    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        let query = QueryRecord(id: "search", nl: request.descriptions)
        var hits: [SearchHit] = []
        for scored in ranker.rank(query, in: gallery, features: features, explain: true) {
            guard let index = indexByID[scored.track] else { continue }
            let track = gallery.tracks[index]
            let appearance = gallery.appearance[track.id]
            guard request.keeps(camera: track.cameraKey),
                  request.keeps(colour: appearance?.colours.mostLikely), request.keeps(type: appearance?.types.mostLikely) else { continue }
            hits.append(SearchHit(track: track.id, camera: track.cameraKey, total: scored.total, contributions: scored.contributions))
            if hits.count == request.top { break }
        }
        return hits
    }

    public func track(id: String) async throws -> Track? {
        indexByID[id].map { gallery.tracks[$0] }
    }

    public func framesRoot(of id: String) async throws -> String? {
        indexByID[id] == nil ? nil : frameRoot
    }

    public func cameras() async throws -> [String] {
        framesByCamera.keys.sorted()
    }

    public func frames(ofCamera camera: String) async throws -> [FrameRef] {
        framesByCamera[camera] ?? []
    }
}
