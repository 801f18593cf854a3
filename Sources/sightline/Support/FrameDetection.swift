import SightlineData
import SightlineEngine
import SightlinePixels

/// The native detector over numbered frames in order, with progress (frames/s, time left) on
/// stderr: what `detect-tracks`, `ingest` and `bench footage` run over footage.
struct FrameDetection {
    let detector: VehicleDetector
    let options: VehicleDetector.Options
    let threads: ThreadConfig

    /// Detects the frames `numbers` in order and hands each frame's detections to `found`.
    /// `done` frames of `total` (default: `numbers.count`) were detected before, by a run this one resumes.
    func run(_ numbers: [Int], label: String, total: Int? = nil, done: Int = 0,
             frame: (Int) throws -> RGBImage, found: (Int, [Detection]) throws -> Void) throws {
        var progress = ProgressReport(label: label, unit: "frame", total: total ?? numbers.count, done: done)
        for (i, n) in numbers.enumerated() {
            try found(n, detector.detect(try frame(n), options: options, threads: threads))
            progress.update(done: done + i + 1)
        }
    }

    /// Every frame's detections, keyed by frame number.
    func detections(_ numbers: [Int], label: String, frame: (Int) throws -> RGBImage) throws -> [Int: [Detection]] {
        var out: [Int: [Detection]] = [:]
        try run(numbers, label: label, frame: frame) { out[$0] = $1 }
        return out
    }
}
