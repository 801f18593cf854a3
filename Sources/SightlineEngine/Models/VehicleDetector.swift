import Foundation
import SightlineData
import SightlinePixels
import SightlineWeightFiles

/// Road vehicles in a frame, found by YOLOX-Nano (Ge et al., 2021, "YOLOX: Exceeding YOLO Series in 2021") trained
/// on COCO: letterbox to 416 × 416, the network, box decoding on the three stride grids, then class-aware
/// non-maximum suppression, keeping COCO's car, bus, truck and motorcycle.
public struct VehicleDetector: Sendable {
    /// Side of the square network input.
    public static let inputSize = 416
    /// Grey that fills the letterbox outside the resized image, as YOLOX's `preproc`.
    public static let padValue: UInt8 = 114
    /// Strides of the three output grids.
    public static let strides = [8, 16, 32]

    /// What `detect` keeps.
    public struct Options: Sendable, Equatable {
        /// Smallest objectness × class score kept. Low by default so that a tracker can use weak boxes
        /// (ByteTrack's second association pass starts at 0.1).
        public var scoreThreshold: Float
        /// A box overlapping a higher-scored box of the same class by more than this IoU is dropped.
        public var iouThreshold: Double

        public init(scoreThreshold: Float = 0.1, iouThreshold: Double = 0.45) {
            self.scoreThreshold = scoreThreshold
            self.iouThreshold = iouThreshold
        }
    }

    /// How a frame was fitted into the network input: scaled by `ratio` to `width × height`, placed top-left.
    public struct Letterbox: Sendable, Equatable {
        public var ratio: Double
        public var width: Int
        public var height: Int

        /// YOLOX's `preproc`: r = min(416 / h, 416 / w), the image resized to ⌊w·r⌋ × ⌊h·r⌋.
        public init(frameWidth: Int, frameHeight: Int, size: Int = VehicleDetector.inputSize) {
            ratio = min(Double(size) / Double(frameHeight), Double(size) / Double(frameWidth))
            width = min(size, max(1, Int(Double(frameWidth) * ratio)))
            height = min(size, max(1, Int(Double(frameHeight) * ratio)))
        }
    }

    let network: YOLOXNetwork
    private let arenas = BufferShelf<Arena>(limit: ProcessInfoCores.active)
    /// The ONNX file the weights came from.
    public let path: String

    /// The weights shipped with the engine (`Resources/yolox-nano/yolox_nano.onnx`, Apache-2.0).
    public static var bundledModelPath: String? {
        Bundle.module.path(forResource: "yolox_nano", ofType: "onnx", inDirectory: "yolox-nano")
    }

    /// The convolution kernels a detector runs.
    public enum Kernels: String, Sendable, CaseIterable {
        /// `SightlineEngineAVX512`'s, built for AVX-512.
        case avx512
        /// The engine's own, for CPUs without AVX-512: SGEMM and SIMD loops built for AVX2 and FMA.
        case portable

        /// The fastest kernels this CPU runs.
        public static var best: Kernels { BLASKernels.avx512 ? .avx512 : .portable }

        /// Whether this CPU runs these kernels.
        public var isSupported: Bool { self == .portable || BLASKernels.avx512 }
    }

    /// Loads YOLOX-Nano from an ONNX file (by default the bundled one), strictly, for `kernels` (by default the
    /// fastest this CPU runs; `.avx512` must only be asked for where `Kernels.avx512.isSupported`).
    public init(path: String? = nil, kernels: Kernels = .best) throws {
        precondition(kernels.isSupported, "this CPU has no AVX-512 for the detector's AVX-512 kernels")
        guard let file = path ?? Self.bundledModelPath else {
            throw WeightFileError.unreadable(path: "yolox-nano/yolox_nano.onnx", reason: "not in the engine's resources")
        }
        try self.init(model: ONNXModel.load(path: file), path: file, avx512: kernels == .avx512)
    }

    /// `avx512` runs the channels-last AVX-512 kernels; it must only be true where `BLASKernels.avx512` is.
    init(model: ONNXModel, path: String, avx512: Bool) throws {
        guard model.inputs == ["images"], model.outputs == ["output"] else {
            throw WeightFileError.unsupportedFormat(path: path, reason: "graph inputs \(model.inputs) and outputs \(model.outputs) are not YOLOX's [images] and [output]")
        }
        var reader = YOLOXGraphReader(model, path: path, avx512: avx512)
        network = try reader.nano()
        self.path = path
    }

    /// The vehicles in `image`, best first, boxes in frame pixels clipped to the frame.
    public func detect(_ image: RGBImage, options: Options = Options(), threads: ThreadConfig = ThreadConfig(threads: 1)) -> [Detection] {
        let (output, letterbox) = rawOutput(image, threads: threads)
        return Self.detections(output, letterbox: letterbox, frameWidth: image.width, frameHeight: image.height, options: options)
    }

    /// The network's [3549 × 85] output for `image` (as the ONNX export's `output`) and the letterbox it used.
    public func rawOutput(_ image: RGBImage, threads: ThreadConfig = ThreadConfig(threads: 1)) -> ([Float], Letterbox) {
        let (input, letterbox) = Self.letterbox(image)
        let planes = Self.focusPlanes(input)
        return (rawOutput(focusPlanes: planes, threads: threads.threads), letterbox)
    }

    /// The network's output for an image `letterbox` made: the part of `rawOutput` that onnxruntime's run computes.
    public func forward(letterboxed image: RGBImage, threads: ThreadConfig = ThreadConfig(threads: 1)) -> [Float] {
        rawOutput(focusPlanes: Self.focusPlanes(image), threads: threads.threads)
    }

    /// The network's output for Focus planes made by `focusPlanes`.
    func rawOutput(focusPlanes planes: [Float], threads: Int) -> [Float] {
        let arena = arenas.take(where: { _ in true }, else: { Arena(floats: Arena.nanoFloats) })
        defer { arenas.put(arena) }
        BLAS.setThreads(1)
        return planes.withUnsafeBufferPointer { p in
            YOLOXForward(network: network, arena: arena, threads: threads)(focusPlanes: p.baseAddress!, size: Self.inputSize)
        }
    }

    /// `image` resized bilinearly into the top-left of a 416 × 416 frame of grey 114.
    public static func letterbox(_ image: RGBImage) -> (RGBImage, Letterbox) {
        let fit = Letterbox(frameWidth: image.width, frameHeight: image.height)
        let resized = image.resizedBilinear(width: fit.width, height: fit.height)
        let size = inputSize
        var pixels = [UInt8](repeating: padValue, count: size * size * 3)
        for y in 0..<fit.height {
            pixels.replaceSubrange((y * size * 3)..<(y * size * 3 + fit.width * 3),
                                   with: resized.pixels[(y * fit.width * 3)..<((y + 1) * fit.width * 3)])
        }
        return (RGBImage(width: size, height: size, pixels: pixels), fit)
    }

    /// The Focus space-to-depth of a letterboxed RGB image as the network reads it: 12 planes of (size/2)², B, G, R
    /// (0-255) of the pixels at (even row, even column), (odd, even), (even, odd), (odd, odd).
    static func focusPlanes(_ image: RGBImage) -> [Float] {
        let half = image.height / 2, halfWidth = image.width / 2, plane = half * halfWidth
        var planes = [Float](repeating: 0, count: 12 * plane)
        let offsets = [(0, 0), (1, 0), (0, 1), (1, 1)]
        image.pixels.withUnsafeBufferPointer { pixels in
            planes.withUnsafeMutableBufferPointer { out in
                for (slot, (dy, dx)) in offsets.enumerated() {
                    for y in 0..<half {
                        for x in 0..<halfWidth {
                            let source = ((2 * y + dy) * image.width + 2 * x + dx) * 3
                            let target = y * halfWidth + x
                            for c in 0..<3 { out[(slot * 3 + c) * plane + target] = Float(pixels[source + 2 - c]) }
                        }
                    }
                }
            }
        }
        return planes
    }

    /// Decoded, thresholded and suppressed vehicle detections of a raw output, in frame pixels.
    public static func detections(_ output: [Float], letterbox: Letterbox, frameWidth: Int, frameHeight: Int,
                                  options: Options = Options()) -> [Detection] {
        let width = output.count / anchorCount
        let classes = width - 5
        var candidates: [Detection] = []
        var row = 0
        for stride in strides {
            let side = inputSize / stride
            for gy in 0..<side {
                for gx in 0..<side {
                    defer { row += 1 }
                    let base = row * width
                    // the score is at most the objectness
                    guard output[base + 4] >= options.scoreThreshold else { continue }
                    var best = 0
                    for j in 1..<classes where output[base + 5 + j] > output[base + 5 + best] { best = j }
                    let score = output[base + 4] * output[base + 5 + best]
                    guard score >= options.scoreThreshold, let label = DetectedClass.byCOCOIndex[best] else { continue }
                    let box = decodeBox(Array(output[base..<base + 4]), gridX: gx, gridY: gy, stride: stride, ratio: letterbox.ratio)
                    candidates.append(Detection(box: box, score: score, label: label))
                }
            }
        }
        return nonMaximumSuppression(candidates, iouThreshold: options.iouThreshold).compactMap {
            clipped($0, width: Double(frameWidth), height: Double(frameHeight))
        }
    }

    /// Anchors of a 416 × 416 input: 52² + 26² + 13².
    public static var anchorCount: Int { strides.reduce(0) { $0 + (inputSize / $1) * (inputSize / $1) } }

    /// YOLOX's decoding of one anchor's box values: centre ((tx, ty) + grid cell) · stride, size e^(tw, th) · stride,
    /// divided by the letterbox ratio into frame pixels, as a top-left box.
    public static func decodeBox(_ values: [Float], gridX: Int, gridY: Int, stride: Int, ratio: Double) -> Box {
        let s = Double(stride)
        let cx = (Double(values[0]) + Double(gridX)) * s, cy = (Double(values[1]) + Double(gridY)) * s
        let w = Foundation.exp(Double(values[2])) * s, h = Foundation.exp(Double(values[3])) * s
        return Box(x: (cx - w / 2) / ratio, y: (cy - h / 2) / ratio, w: w / ratio, h: h / ratio)
    }

    /// Greedy class-aware non-maximum suppression: best score first (ties by input order), a box is dropped when
    /// it overlaps a kept box of the same class by more than `iouThreshold`.
    public static func nonMaximumSuppression(_ candidates: [Detection], iouThreshold: Double) -> [Detection] {
        let order = candidates.indices.sorted { a, b in
            candidates[a].score != candidates[b].score ? candidates[a].score > candidates[b].score : a < b
        }
        var kept: [Detection] = []
        for index in order {
            let candidate = candidates[index]
            if kept.allSatisfy({ $0.label != candidate.label || $0.box.iou(candidate.box) <= iouThreshold }) {
                kept.append(candidate)
            }
        }
        return kept
    }

    /// `detection` with its box clipped to a `width × height` frame, or nil when nothing of it is inside.
    static func clipped(_ detection: Detection, width: Double, height: Double) -> Detection? {
        let x0 = max(0, detection.box.x), y0 = max(0, detection.box.y)
        let x1 = min(width, detection.box.x + detection.box.w), y1 = min(height, detection.box.y + detection.box.h)
        guard x1 > x0, y1 > y0 else { return nil }
        var result = detection
        result.box = Box(x: x0, y: y0, w: x1 - x0, h: y1 - y0)
        return result
    }
}
