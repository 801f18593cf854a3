import Foundation
import SightlineAppearance
import SightlineData
import SightlinePixels

/// The learned model's image-branch input of a gallery, read from its frames, with the tracks left
/// without (a missing frame) said on stderr.
enum ImageTowerInput {
    static func features(of tracks: [Track], images: TrackImages, engine: EngineOptions) throws -> [String: [Float]] {
        let encoder = try TrackImageFeatures.encoder(store: engine.store, threads: engine.threadConfig)
        let step = max(1, tracks.count / 10)
        let report = try TrackImageFeatures.features(of: tracks, images: images, encoder: encoder) { done, total in
            if done % step == 0 || done == total { printError("image features: \(done)/\(total) tracks") }
        }
        for (track, path) in report.missing.prefix(20) {
            printError("image features: warning: track \(track) goes without: frame \(path) is missing or unreadable")
        }
        printError("image features: \(report.features.count) of \(tracks.count) tracks (the others use the trajectory alone)")
        return report.features
    }
}
