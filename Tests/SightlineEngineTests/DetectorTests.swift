import Foundation
import SightlineData
import SightlinePixels
import SightlineTestSupport
import Testing
@testable import SightlineEngine
@testable import SightlineWeightFiles

/// The bundled detector, loaded once for the suites below.
enum Detectors {
    static let bundled: Result<VehicleDetector, any Error> = Result { try VehicleDetector() }
    static let portable: Result<VehicleDetector, any Error> = Result { try VehicleDetector(kernels: .portable) }
    static let model: Result<ONNXModel, any Error> = Result {
        try ONNXModel.load(path: VehicleDetector.bundledModelPath ?? "yolox-nano/yolox_nano.onnx")
    }
}

@Suite struct LetterboxTests {
    @Test func wideFrameFillsTheWidth() {
        let fit = VehicleDetector.Letterbox(frameWidth: 1920, frameHeight: 1080)
        #expect(fit.ratio == 416.0 / 1920.0)
        #expect(fit.width == Int(1920 * (416.0 / 1920.0)))
        #expect(fit.height == 234)
    }

    @Test func tallFrameFillsTheHeight() {
        let fit = VehicleDetector.Letterbox(frameWidth: 200, frameHeight: 832)
        #expect(fit.ratio == 0.5)
        #expect(fit.width == 100 && fit.height == 416)
    }

    @Test func smallFrameIsEnlarged() {
        let fit = VehicleDetector.Letterbox(frameWidth: 208, frameHeight: 104)
        #expect(fit.ratio == 2)
        #expect(fit.width == 416 && fit.height == 208)
    }

    @Test func imageGoesTopLeftOnGrey() {
        let image = RGBImage(width: 832, height: 416, pixels: [UInt8](repeating: 10, count: 832 * 416 * 3))
        let (input, fit) = VehicleDetector.letterbox(image)
        #expect(fit.width == 416 && fit.height == 208)
        #expect(input.width == 416 && input.height == 416)
        #expect(input.pixels[(207 * 416 + 415) * 3] == 10)
        #expect(input.pixels[(208 * 416) * 3] == VehicleDetector.padValue)
        #expect(input.pixels[(415 * 416 + 415) * 3 + 2] == VehicleDetector.padValue)
    }

    @Test func focusPlanesAreBGRSpaceToDepth() {
        var pixels = [UInt8](repeating: 0, count: 4 * 4 * 3)
        // pixel (row 1, column 0): R 1, G 2, B 3; pixel (row 0, column 1): R 4, G 5, B 6
        pixels.replaceSubrange((4 * 3)..<(4 * 3 + 3), with: [1, 2, 3])
        pixels.replaceSubrange(3..<6, with: [4, 5, 6])
        let planes = VehicleDetector.focusPlanes(RGBImage(width: 4, height: 4, pixels: pixels))
        #expect(planes.count == 12 * 4)
        // slot 1 (odd row, even column), channels B G R at planes 3, 4, 5; slot 2 (even row, odd column) at 6, 7, 8
        #expect([planes[3 * 4], planes[4 * 4], planes[5 * 4]] == [3, 2, 1])
        #expect([planes[6 * 4], planes[7 * 4], planes[8 * 4]] == [6, 5, 4])
    }
}

@Suite struct DecodingTests {
    @Test func boxIsGridCellPlusOffsetTimesStride() {
        let box = VehicleDetector.decodeBox([0.5, 0.25, 0, Float(log(2.0))], gridX: 3, gridY: 4, stride: 16, ratio: 0.5)
        // centre (3.5·16, 4.25·16) = (56, 68), size (16, 32), all divided by 0.5
        let expected: [Double] = [96, 104, 32, 64]
        #expect(zip([box.x, box.y, box.w, box.h], expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(box)")
    }

    @Test func handMadeRowBecomesOneDetection() {
        var output = [Float](repeating: 0, count: VehicleDetector.anchorCount * 85)
        // anchor 2704 is the first of the stride-16 grid: cell (0, 0)
        let row = 2704 * 85
        output[row + 0] = 1; output[row + 1] = 1; output[row + 2] = 0; output[row + 3] = 0
        output[row + 4] = 0.8
        output[row + 5 + 7] = 0.5 // truck
        output[row + 5 + 2] = 0.4 // car, lower
        let fit = VehicleDetector.Letterbox(frameWidth: 832, frameHeight: 832)
        let found = VehicleDetector.detections(output, letterbox: fit, frameWidth: 832, frameHeight: 832)
        #expect(found.count == 1)
        #expect(found.first?.label == .truck)
        #expect(abs((found.first?.score ?? 0) - 0.4) < 1e-6)
        // centre (16, 16), size 16, at ratio 0.5: x 16..48
        #expect(found.first?.box == Box(x: 16, y: 16, w: 32, h: 32))
    }

    @Test func nonVehicleClassesAndWeakBoxesAreDropped() {
        var output = [Float](repeating: 0, count: VehicleDetector.anchorCount * 85)
        output[4] = 0.9; output[5 + 0] = 0.9 // person
        output[85 + 4] = 0.2; output[85 + 5 + 2] = 0.2 // car at 0.04
        let fit = VehicleDetector.Letterbox(frameWidth: 416, frameHeight: 416)
        #expect(VehicleDetector.detections(output, letterbox: fit, frameWidth: 416, frameHeight: 416).isEmpty)
    }

    @Test func boxesAreClippedToTheFrame() {
        let inside = VehicleDetector.clipped(Detection(box: Box(x: -10, y: 5, w: 30, h: 200), score: 1, label: .car),
                                             width: 100, height: 100)
        #expect(inside?.box == Box(x: 0, y: 5, w: 20, h: 95))
        #expect(VehicleDetector.clipped(Detection(box: Box(x: 120, y: 0, w: 10, h: 10), score: 1, label: .car),
                                        width: 100, height: 100) == nil)
    }
}

@Suite struct NonMaximumSuppressionTests {
    private func detection(_ x: Double, _ score: Float, _ label: DetectedClass) -> Detection {
        Detection(box: Box(x: x, y: 0, w: 100, h: 100), score: score, label: label)
    }

    @Test func overlappingBoxOfTheSameClassIsSuppressed() {
        let kept = VehicleDetector.nonMaximumSuppression([detection(10, 0.6, .car), detection(0, 0.9, .car)], iouThreshold: 0.45)
        #expect(kept == [detection(0, 0.9, .car)])
    }

    @Test func overlappingBoxesOfDifferentClassesAreKept() {
        let kept = VehicleDetector.nonMaximumSuppression([detection(0, 0.9, .car), detection(10, 0.6, .truck)], iouThreshold: 0.45)
        #expect(kept == [detection(0, 0.9, .car), detection(10, 0.6, .truck)])
    }

    @Test func boxesOverlappingLessThanTheThresholdAreKept() {
        // IoU of boxes 60 apart: 40·100 / (2·10000 − 4000) = 0.25
        let kept = VehicleDetector.nonMaximumSuppression([detection(0, 0.9, .car), detection(60, 0.8, .car)], iouThreshold: 0.45)
        #expect(kept.count == 2)
        #expect(VehicleDetector.nonMaximumSuppression([detection(0, 0.9, .car), detection(60, 0.8, .car)], iouThreshold: 0.2).count == 1)
    }

    @Test func suppressionIsGreedyByScore() {
        // b overlaps a and c, a and c do not overlap: a (best) removes b, so c survives
        let a = detection(0, 0.9, .bus), b = detection(30, 0.8, .bus), c = detection(60, 0.7, .bus)
        #expect(VehicleDetector.nonMaximumSuppression([c, b, a], iouThreshold: 0.3) == [a, c])
    }
}

@Suite struct ONNXModelTests {
    /// Protobuf encoding helpers for hand-made files.
    private func varint(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }
    private func field(_ number: Int, _ bytes: [UInt8]) -> [UInt8] { varint(UInt64(number << 3 | 2)) + varint(UInt64(bytes.count)) + bytes }
    private func field(_ number: Int, _ value: UInt64) -> [UInt8] { varint(UInt64(number << 3)) + varint(value) }
    private func tensor(_ name: String, dims: [UInt64], floats: [Float]) -> [UInt8] {
        dims.flatMap { field(1, $0) } + field(2, 1) + field(8, Array(name.utf8))
            + field(9, floats.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } })
    }
    private func model(_ graph: [UInt8]) -> [UInt8] { field(1, 7) + field(7, graph) }

    @Test func readsInitializersAndNodes() throws {
        let node = field(1, Array("x".utf8)) + field(1, Array("w".utf8)) + field(2, Array("y".utf8))
            + field(4, Array("Conv".utf8)) + field(5, field(1, Array("group".utf8)) + field(3, 4) + field(20, 2))
        let graph = field(1, node) + field(5, tensor("w", dims: [2, 1], floats: [1.5, -2]))
            + field(11, field(1, Array("x".utf8))) + field(11, field(1, Array("w".utf8))) + field(12, field(1, Array("y".utf8)))
        let parsed = try ONNXModel.parse(model(graph), path: "m.onnx")
        #expect(parsed.initializers["w"] == .float(StoredTensor(shape: [2, 1], data: [1.5, -2])))
        #expect(parsed.nodes == [ONNXModel.Node(opType: "Conv", inputs: ["x", "w"], outputs: ["y"], attributes: ["group": .int(4)])])
        #expect(parsed.inputs == ["x"] && parsed.outputs == ["y"])
    }

    @Test func rawDataOfTheWrongLengthIsMalformed() {
        let graph = field(5, tensor("w", dims: [3], floats: [1, 2]))
        let error = #expect(throws: WeightFileError.self) { try ONNXModel.parse(model(graph), path: "m.onnx") }
        guard case .malformed(let path, _, let reason)? = error else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect(path == "m.onnx" && reason.contains("initializer w"))
    }

    @Test func lengthPastTheEndIsTruncated() {
        var bytes = model(field(5, tensor("w", dims: [1], floats: [1])))
        bytes.removeLast(2)
        #expect(throws: WeightFileError.self) { try ONNXModel.parse(bytes, path: "m.onnx") }
    }

    @Test func hugeDimsAreRefusedBeforeAllocating() {
        let graph = field(5, field(1, 1 << 40) + field(2, 1) + field(8, Array("w".utf8)))
        #expect(throws: WeightFileError.self) { try ONNXModel.parse(model(graph), path: "m.onnx") }
    }

    @Test func modelWithoutGraphIsMalformed() {
        #expect(throws: WeightFileError.malformed(path: "m.onnx", offset: 0, reason: "ModelProto has no graph (field 7)")) {
            try ONNXModel.parse(field(1, 7), path: "m.onnx")
        }
    }
}

@Suite struct DetectorLoadingTests {
    @Test func bundledFileLoads() throws {
        let detector = try Detectors.bundled.get()
        #expect(detector.network.head.map(\.stride) == VehicleDetector.strides)
    }

    @Test func missingInitializerIsAnError() throws {
        var model = try Detectors.model.get()
        let name = try #require(model.nodes.first { $0.opType == "Conv" }?.inputs[1])
        model.initializers.removeValue(forKey: name)
        #expect(throws: WeightFileError.missingKey(path: "m.onnx", key: name)) {
            try VehicleDetector(model: model, path: "m.onnx", avx512: false)
        }
    }

    @Test func extraInitializerIsAnError() throws {
        var model = try Detectors.model.get()
        model.initializers["unused.weight"] = .float(StoredTensor(shape: [1], data: [0]))
        #expect(throws: WeightFileError.unexpectedKey(path: "m.onnx", key: "unused.weight")) {
            try VehicleDetector(model: model, path: "m.onnx", avx512: false)
        }
    }

    @Test func misshapenWeightIsAnError() throws {
        var model = try Detectors.model.get()
        let name = "head.cls_preds.0.weight"
        model.initializers[name] = .float(StoredTensor(shape: [81, 64, 1, 1], data: [Float](repeating: 0, count: 81 * 64)))
        #expect(throws: WeightFileError.shapeMismatch(path: "m.onnx", key: name, expected: [80, 64, 1, 1], found: [81, 64, 1, 1])) {
            try VehicleDetector(model: model, path: "m.onnx", avx512: false)
        }
    }

    @Test func reorderedFocusSlicesAreAnError() throws {
        var model = try Detectors.model.get()
        let index = try #require(model.nodes.firstIndex { $0.opType == "Concat" })
        model.nodes[index].inputs.swapAt(1, 2)
        #expect(throws: WeightFileError.self) { try VehicleDetector(model: model, path: "m.onnx", avx512: false) }
    }
}

/// One case of `yolox-nano.json`: onnxruntime's output rows and detections for one image.
struct DetectorCase {
    let name: String
    let source: String
    let checksum: [Int]
    let rows: [Int]
    let values: [[Double]]
    let detections: [(box: [Double], score: Double, label: String)]

    static func all() throws -> [DetectorCase] {
        let fixture = try TestPaths.fixture("yolox-nano")
        let cases = try #require(fixture["cases"] as? [[String: Any]])
        return try cases.map { c in
            DetectorCase(name: try #require(c["name"] as? String), source: try #require(c["source"] as? String),
                         checksum: try #require(c["checksum"] as? [Int]), rows: try #require(c["rows"] as? [Int]),
                         values: try #require(c["values"] as? [[Double]]),
                         detections: try #require(c["detections"] as? [[String: Any]]).map {
                             (try #require($0["box"] as? [Double]), try #require($0["score"] as? Double),
                              try #require($0["label"] as? String))
                         })
        }
    }

    /// The image this case was made from: the committed street frame, the synthetic image, or a CityFlow frame.
    func image() throws -> RGBImage {
        if source == "synthetic" {
            var pixels = [UInt8](repeating: 0, count: 300 * 200 * 3)
            for y in 0..<200 {
                for x in 0..<300 {
                    var p: [UInt8] = [UInt8(x * 255 / 299), UInt8(y * 255 / 199), UInt8((x + y) * 255 / 498)]
                    if (60..<140).contains(y) && (40..<200).contains(x) { p = [200, 30, 30] }
                    if (100..<130).contains(y) && ((60..<90).contains(x) || (150..<180).contains(x)) { p = [20, 20, 20] }
                    pixels.replaceSubrange((y * 300 + x) * 3..<(y * 300 + x) * 3 + 3, with: p)
                }
            }
            return RGBImage(width: 300, height: 200, pixels: pixels)
        }
        if source.hasPrefix("cityflow-sample/") {
            return try ImageDecoder.decode(path: "\(TestPaths.shared)/\(source)")
        }
        let url = try #require(Bundle.module.url(forResource: "street-frame", withExtension: "jpg", subdirectory: "Fixtures"))
        return try ImageDecoder.decode(path: url.path)
    }

    /// The checksum `make-detector-fixtures.py` takes of the letterboxed bytes.
    static func checksum(_ image: RGBImage) -> [Int] {
        var sum = 0, weighted = 0
        for (i, byte) in image.pixels.enumerated() {
            sum += Int(byte)
            weighted += Int(byte) * (i % 65521)
        }
        return [sum, weighted]
    }
}

@Suite struct DetectorParityTests {
    static let cityFlowFrames = ["000028.jpg", "000060.jpg", "000120.jpg"].map {
        "cityflow-sample/frames/train/S01/c003/img1/\($0)"
    }

    private func check(_ detector: VehicleDetector, _ c: DetectorCase, threads: Int = 1) throws {
        let image = try c.image()
        let (input, _) = VehicleDetector.letterbox(image)
        try #require(DetectorCase.checksum(input) == c.checksum, "\(c.name): letterboxed input differs from the fixture's")
        let (output, _) = detector.rawOutput(image, threads: ThreadConfig(threads: threads))
        var worst = 0.0
        for (row, expected) in zip(c.rows, c.values) {
            for (j, value) in expected.enumerated() { worst = max(worst, abs(Double(output[row * 85 + j]) - value)) }
        }
        #expect(worst < 1e-3, "\(c.name): raw output differs by \(worst)")
        let found = VehicleDetector.detections(output, letterbox: VehicleDetector.Letterbox(frameWidth: image.width, frameHeight: image.height),
                                               frameWidth: image.width, frameHeight: image.height)
        #expect(found.count == c.detections.count, "\(c.name): \(found.count) detections, onnxruntime \(c.detections.count)")
        for (mine, theirs) in zip(found, c.detections) {
            #expect(mine.label.rawValue == theirs.label)
            #expect(abs(Double(mine.score) - theirs.score) < 1e-3, "\(c.name): score \(mine.score) vs \(theirs.score)")
            let box = [mine.box.x, mine.box.y, mine.box.w, mine.box.h]
            #expect(zip(box, theirs.box).allSatisfy { abs($0 - $1) < 1e-3 * max(1, abs($1)) },
                    "\(c.name): box \(box) vs \(theirs.box)")
        }
    }

    /// The street frame on one thread, the synthetic image on two (whose split must not change the output).
    @Test func committedImagesMatchOnnxRuntime() throws {
        let detector = try Detectors.bundled.get()
        for c in try DetectorCase.all() where !c.source.hasPrefix("cityflow-sample/") {
            try check(detector, c, threads: c.source == "synthetic" ? 2 : 1)
        }
    }

    @Test func portableKernelsMatchOnnxRuntime() throws {
        let detector = try Detectors.portable.get()
        for c in try DetectorCase.all() where c.source == "street-frame.jpg" {
            try check(detector, c)
        }
    }

    @Test(.requiresShared(DetectorParityTests.cityFlowFrames))
    func cityFlowFramesMatchOnnxRuntime() throws {
        let detector = try Detectors.bundled.get()
        for c in try DetectorCase.all() where c.source.hasPrefix("cityflow-sample/") {
            try check(detector, c)
        }
    }
}
