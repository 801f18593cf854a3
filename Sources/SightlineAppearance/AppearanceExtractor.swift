import Foundation
import SightlineData
import SightlineEngine
import SightlinePixels

/// Computes `TrackAppearance` for a gallery from its frames: one background per camera
/// (cached), then colour (and, with an encoder, type and embedding) per track from its
/// sampled crops, tracks spread over `threads`.
public struct AppearanceExtractor: Sendable {
    public var images: TrackImages
    public var namer: ColourNamer
    public var encoder: VehicleEncoder?
    public var threads: Int

    public init(images: TrackImages, namer: ColourNamer = ColourNamer(), encoder: VehicleEncoder? = nil,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.images = images
        self.namer = namer
        self.threads = max(1, threads)
        if var encoder {
            encoder.threads = ThreadConfig(threads: 1)
            self.encoder = encoder
        } else {
            self.encoder = nil
        }
    }

    /// Appearance of every track; `progress(done, total)` is called as tracks finish.
    public func appearance(of tracks: [Track], progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws -> [String: TrackAppearance] {
        var backgrounds: [String: RGBImage] = [:]
        for (camera, group) in Dictionary(grouping: tracks, by: \.cameraKey) {
            backgrounds[camera] = try images.background(camera: camera, frames: group.flatMap(\.frames))
        }
        let results = LockedResults(count: tracks.count)
        let next = LockedCounter()
        let backgroundsByCamera = backgrounds
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while let i = next.take(below: tracks.count), !results.failed {
                let track = tracks[i]
                do {
                    let appearance = try images.appearance(of: track, background: backgroundsByCamera[track.cameraKey],
                                                           namer: namer, encoder: encoder)
                    results.set(i, .success(appearance))
                } catch {
                    results.set(i, .failure(error))
                }
                progress(results.done, tracks.count)
            }
        }
        var out: [String: TrackAppearance] = [:]
        for (i, r) in results.values.enumerated() {
            guard let r else { continue }
            out[tracks[i].id] = try r.get()
        }
        return out
    }
}

private final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

private final class LockedResults: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<TrackAppearance, any Error>?]
    private var finished = 0
    private var anyFailure = false

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<TrackAppearance, any Error>) {
        lock.withLock {
            storage[i] = r
            finished += 1
            if case .failure = r { anyFailure = true }
        }
    }

    var done: Int { lock.withLock { finished } }
    var failed: Bool { lock.withLock { anyFailure } }
    var values: [Result<TrackAppearance, any Error>?] { lock.withLock { storage } }
}
