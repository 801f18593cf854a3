import Foundation
import SightlineData
import SightlineEngine
import SightlinePixels

/// Computes `TrackAppearance` for a gallery from its frames: one background per camera
/// (cached), then colour (and, with an encoder, type and embedding) per track from its
/// sampled crops and its boxes against the other tracks of its camera (what a nearer track's box
/// covers is left out of the colour), tracks spread over `threads`.
///
/// A frame file that is missing (or unreadable) leaves its track without pixels and is
/// reported, unless `strict`, where it fails the whole extraction as any other error does.
public struct AppearanceExtractor: Sendable {
    public var images: TrackImages
    public var namer: ColourNamer
    public var encoder: VehicleEncoder?
    public var threads: Int
    public var strict: Bool

    /// A frame that was not there: the track it left without pixels (nil for a camera background's frame), and its path.
    public struct MissingFrame: Sendable, Equatable {
        public var track: String?
        public var camera: String
        public var path: String
    }

    /// The appearance of every track that has it, and the frames that were missing.
    public struct Report: Sendable {
        public var appearance: [String: TrackAppearance]
        /// In track order, background frames first.
        public var missing: [MissingFrame]
        /// Tracks left without pixels by a missing frame.
        public var tracksWithoutPixels: Int { missing.filter { $0.track != nil }.count }
    }

    public init(images: TrackImages, namer: ColourNamer = ColourNamer(), encoder: VehicleEncoder? = nil,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, strict: Bool = false) {
        self.images = images
        self.namer = namer
        self.strict = strict
        self.threads = max(1, threads)
        if var encoder {
            encoder.threads = ThreadConfig(threads: 1)
            self.encoder = encoder
        } else {
            self.encoder = nil
        }
    }

    /// Appearance of every track; `progress(done, total)` is called as tracks finish.
    public func appearance(of tracks: [Track], progress: @Sendable (Int, Int) -> Void = { _, _ in }) throws -> Report {
        var backgrounds: [String: RGBImage] = [:]
        var missing: [MissingFrame] = []
        for (camera, group) in Dictionary(grouping: tracks, by: \.cameraKey).sorted(by: { $0.key < $1.key }) {
            backgrounds[camera] = try images.background(camera: camera, frames: group.flatMap(\.frames),
                                                        missing: strict ? nil : { missing.append(MissingFrame(track: nil, camera: camera, path: $0)) })
        }
        let results = LockedResults(count: tracks.count)
        let next = LockedCounter()
        let backgroundsByCamera = backgrounds
        let geometry = BoxGeometry.of(tracks)
        let occupancy = FrameOccupancy(tracks)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while let i = next.take(below: tracks.count), !results.failed {
                let track = tracks[i]
                do {
                    let appearance = try images.appearance(of: track, background: backgroundsByCamera[track.cameraKey],
                                                           namer: namer, encoder: encoder, geometry: geometry[track.id],
                                                           occupancy: occupancy)
                    results.set(i, .found(appearance))
                } catch {
                    if !strict, let path = TrackImages.missingFrame(in: error) {
                        results.set(i, .missing(path))
                    } else {
                        results.set(i, .failed(error))
                    }
                }
                progress(results.done, tracks.count)
            }
        }
        var out: [String: TrackAppearance] = [:]
        for (i, r) in results.values.enumerated() {
            switch r {
            case let .found(appearance)?: out[tracks[i].id] = appearance
            case let .missing(path)?: missing.append(MissingFrame(track: tracks[i].id, camera: tracks[i].cameraKey, path: path))
            case let .failed(error)?: throw error
            case nil: continue
            }
        }
        return Report(appearance: out, missing: missing)
    }

    /// What became of one track.
    fileprivate enum Outcome {
        case found(TrackAppearance)
        case missing(String)
        case failed(any Error)
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
    private var storage: [AppearanceExtractor.Outcome?]
    private var finished = 0
    private var anyFailure = false

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: AppearanceExtractor.Outcome) {
        lock.withLock {
            storage[i] = r
            finished += 1
            if case .failed = r { anyFailure = true }
        }
    }

    var done: Int { lock.withLock { finished } }
    var failed: Bool { lock.withLock { anyFailure } }
    var values: [AppearanceExtractor.Outcome?] { lock.withLock { storage } }
}
