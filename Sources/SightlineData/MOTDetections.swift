import Foundation

/// MOTChallenge detections (`det/det.txt`: `frame, id, left, top, width, height, score[, class, ...]`),
/// what a detector found in each frame of one camera, for a tracker to read.
///
/// `id` is ignored (MOTChallenge writes -1). The optional eighth column is the COCO class index
/// of the box (2 car, 3 motorcycle, 5 bus, 7 truck), as `scripts/reference-detections.py`
/// writes it; where it is absent or -1 (MOTChallenge's world x), the box is a car.
public enum MOTDetections {

    /// Every frame's detections, keyed by the file's frame number (MOTChallenge numbers from 1).
    /// A line with a missing or non-numeric field, a frame below 1, a non-positive or non-finite
    /// size, a score outside [0, 1] or a class that is no vehicle is an error naming the line and the field;
    /// a file without a detection is an error too.
    public static func load(from url: URL) throws(DataError) -> [Int: [Detection]] {
        let bytes = try InputFile.contents(url.path)
        return try parse(String(decoding: bytes, as: UTF8.self), file: url.path)
    }

    /// The detections of a det.txt's text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(DataError) -> [Int: [Detection]] {
        var out: [Int: [Detection]] = [:]
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            func fail(_ reason: String) -> DataError { .malformedLine(file: file, line: n + 1, reason: reason) }
            func number(_ index: Int, _ name: String) throws(DataError) -> Double {
                guard index < fields.count else {
                    throw fail("field '\(name)' (column \(index + 1)) is missing: expected frame,id,left,top,width,height,score")
                }
                guard let value = Double(fields[index]), value.isFinite else {
                    throw fail("field '\(name)' (column \(index + 1)) is '\(fields[index].prefix(40))', not a finite number")
                }
                return value
            }
            let frameValue = try number(0, "frame")
            guard frameValue >= 1, frameValue == frameValue.rounded(), frameValue <= 100_000_000 else {
                throw fail("field 'frame' (column 1) is \(fields[0]), not a whole number from 1")
            }
            _ = try number(1, "id")
            let x = try number(2, "left"), y = try number(3, "top"), w = try number(4, "width"), h = try number(5, "height")
            let score = try number(6, "score")
            for (name, value, column) in [("left", x, 3), ("top", y, 4)] where abs(value) > Box.coordinateLimit {
                throw fail("field '\(name)' (column \(column)) is \(value), beyond ±\(Int(Box.coordinateLimit)) pixels")
            }
            for (name, value, column) in [("width", w, 5), ("height", h, 6)] where !(value > 0 && value <= Box.sizeLimit) {
                throw fail("field '\(name)' (column \(column)) is \(value), not a positive size up to \(Int(Box.sizeLimit)) pixels")
            }
            guard (0...1).contains(score) else { throw fail("field 'score' (column 7) is \(score), outside [0, 1]") }
            var label = DetectedClass.car
            if fields.count > 7 {
                let classValue = try number(7, "class")
                if classValue != -1 {
                    guard classValue == classValue.rounded(), let found = DetectedClass.byCOCOIndex[Int(classValue)] else {
                        throw fail("field 'class' (column 8) is \(fields[7]), not a COCO vehicle class (2, 3, 5, 7) or -1")
                    }
                    label = found
                }
            }
            out[Int(frameValue), default: []].append(Detection(box: Box(x: x, y: y, w: w, h: h), score: Float(score), label: label))
        }
        if out.isEmpty { throw .empty(file: file) }
        return out
    }
}

extension MOTDetections {
    /// Detections in det.txt form (`frame, -1, left, top, width, height, score, COCO class`), frames in order.
    public static func text(_ byFrame: [Int: [Detection]]) -> String {
        var out = ""
        for frame in byFrame.keys.sorted() {
            for d in byFrame[frame] ?? [] {
                out += "\(frame),-1,\(d.box.x),\(d.box.y),\(d.box.w),\(d.box.h),\(d.score),\(d.label.cocoIndex)\n"
            }
        }
        return out
    }
}
