import Foundation
import SightlinePixels

/// The videos a process reads frames from, shared by its threads: open decoders kept positioned
/// for the next frame (up to `decodersPerVideo` per video, one per thread reading it at once), and
/// the last `cachedFrames` decoded frames, and each video's frame table. Thread-safe: a lock guards only this bookkeeping; a
/// decoder is lent to one thread at a time and decodes outside the lock.
public final class VideoLibrary: @unchecked Sendable {
    public let cachedFrames: Int
    public let decodersPerVideo: Int
    /// Idle decoders kept open over all videos; the least recently used beyond it are closed.
    public let openDecoders: Int
    /// FFmpeg decoding threads per decoder (0: FFmpeg's choice).
    public let decoderThreads: Int

    private struct FrameKey: Hashable {
        var path: String
        var number: Int
    }

    private let condition = NSCondition()
    private var idle: [(path: String, decoder: VideoDecoder)] = []
    private var lent: [String: Int] = [:]
    private var cache: [FrameKey: RGBImage] = [:]
    private var cacheOrder: [FrameKey] = []
    /// Each video's frame table, read once and given to every decoder opened on it.
    private var tables: [String: FrameTable] = [:]

    public init(cachedFrames: Int = 16, decodersPerVideo: Int = min(4, ProcessInfo.processInfo.activeProcessorCount),
                openDecoders: Int = 16, decoderThreads: Int = 1) {
        self.cachedFrames = max(0, cachedFrames)
        self.decodersPerVideo = max(1, decodersPerVideo)
        self.openDecoders = max(1, openDecoders)
        self.decoderThreads = max(0, decoderThreads)
    }

    /// Frame `number` (1 is the first) of the video at `path`; errors name the file.
    public func frame(_ number: Int, of path: String) throws -> RGBImage {
        let key = FrameKey(path: path, number: number)
        let decoder: VideoDecoder
        switch borrow(key) {
        case let .cached(image): return image
        case let .decoder(idle?): decoder = idle
        case .decoder(nil):
            do {
                decoder = try VideoDecoder(path: path, threads: decoderThreads, table: condition.withLock { tables[path] })
            } catch {
                giveBack(nil, key: key, image: nil)
                throw error
            }
        }
        do {
            let image = try decoder.frame(number)
            giveBack(decoder, key: key, image: image)
            return image
        } catch {
            giveBack(nil, key: key, image: nil)
            throw error
        }
    }

    private enum Loan {
        case cached(RGBImage)
        /// An idle decoder of the video, or nil where the caller is to open one.
        case decoder(VideoDecoder?)
    }

    private func borrow(_ key: FrameKey) -> Loan {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let image = cache[key] {
                if let i = cacheOrder.firstIndex(of: key) {
                    cacheOrder.remove(at: i)
                    cacheOrder.append(key)
                }
                return .cached(image)
            }
            let target = key.number - 1
            let best = idle.indices.filter { idle[$0].path == key.path }.min { a, b in
                distance(idle[a].decoder, to: target) < distance(idle[b].decoder, to: target)
            }
            if let best {
                lent[key.path, default: 0] += 1
                return .decoder(idle.remove(at: best).decoder)
            }
            if lent[key.path, default: 0] < decodersPerVideo {
                lent[key.path, default: 0] += 1
                return .decoder(nil)
            }
            condition.wait()
        }
    }

    /// How far a decoder has to go to reach `target`: frames ahead, or a seek (counted as far) when it stands past it.
    private func distance(_ decoder: VideoDecoder, to target: Int) -> Int {
        guard let here = decoder.nextIndex, here <= target else { return Int.max }
        return target - here
    }

    /// Returns a lent decoder (nil after a failure: it is dropped) and caches the frame it decoded.
    private func giveBack(_ decoder: VideoDecoder?, key: FrameKey, image: RGBImage?) {
        condition.withLock {
            lent[key.path, default: 1] -= 1
            if lent[key.path] == 0 { lent[key.path] = nil }
            if let decoder {
                if tables[key.path] == nil { tables[key.path] = decoder.table }
                idle.append((key.path, decoder))
                if idle.count > openDecoders { idle.removeFirst(idle.count - openDecoders) }
            }
            if let image, cachedFrames > 0, cache[key] == nil {
                cache[key] = image
                cacheOrder.append(key)
                if cacheOrder.count > cachedFrames { cache[cacheOrder.removeFirst()] = nil }
            }
            condition.broadcast()
        }
    }
}
