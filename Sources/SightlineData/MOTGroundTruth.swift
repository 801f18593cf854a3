import Foundation

/// One object's box in one frame of a MOTChallenge ground-truth file.
public struct MOTBox: Sendable, Hashable {
    public var frame: Int
    public var id: Int
    public var box: Box
}

/// MOTChallenge ground truth (`gt/gt.txt`: `frame, id, left, top, width, height, ...`), the
/// per-frame boxes of every vehicle in a CityFlow camera.
public enum MOTGroundTruth {
    /// Reads a gt.txt; a line with fewer than six numbers or a non-positive size is an error naming the line.
    public static func load(from url: URL) throws -> [MOTBox] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw DataError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        var out: [MOTBox] = []
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 6, let frame = Int(fields[0]), let id = Int(fields[1]),
                  let x = Double(fields[2]), let y = Double(fields[3]), let w = Double(fields[4]), let h = Double(fields[5]) else {
                throw DataError.malformedLine(file: url.path, line: n + 1, reason: "expected frame,id,left,top,width,height as numbers")
            }
            guard w > 0, h > 0, w.isFinite, h.isFinite, x.isFinite, y.isFinite else {
                throw DataError.malformedLine(file: url.path, line: n + 1, reason: "box size must be positive and finite")
            }
            out.append(MOTBox(frame: frame, id: id, box: Box(x: x, y: y, w: w, h: h)))
        }
        if out.isEmpty { throw DataError.empty(file: url.path) }
        return out
    }
}
