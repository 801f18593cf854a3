import Foundation
import SightlineData
import SightlineTracks

/// Compact binary form of a track's frames and boxes, so a million tracks of ~180 frames fit
/// in an index of a few GB. Frame paths that differ only in a zero-padded frame number are
/// stored as one template plus delta-coded numbers; whole-pixel boxes as delta-coded integers.
/// Anything else falls back to a plain form, so every track round-trips exactly.
enum TrackCodec {
    static func encodeFrames(_ frames: [FrameRef]) -> Data {
        var w = ByteWriter()
        if let template = FrameTemplate(frames) {
            w.byte(1)
            w.string(template.prefix)
            w.string(template.suffix)
            w.string(template.scene)
            w.string(template.camera)
            w.varint(UInt64(template.width))
            w.varint(UInt64(frames.count))
            var previous = 0
            for f in frames {
                w.signed(Int64(f.frame - previous))
                previous = f.frame
            }
        } else {
            w.byte(0)
            w.varint(UInt64(frames.count))
            for f in frames {
                w.string(f.path)
                w.string(f.scene)
                w.string(f.camera)
                w.signed(Int64(f.frame))
            }
        }
        return w.data
    }

    /// Decodes `encodeFrames`' bytes. Every count is checked against the bytes that remain
    /// and every frame number against overflow, so a damaged blob throws instead of trapping
    /// or asking for memory it cannot describe.
    static func decodeFrames(_ data: Data) throws(IndexError) -> [FrameRef] {
        var r = ByteReader(data)
        switch try r.byte() {
        case 1:
            let prefix = try r.string(), suffix = try r.string(), scene = try r.string(), camera = try r.string()
            let width = try r.count(atMost: FrameTemplate.maxWidth, of: "frame number digits")
            let count = try r.count(bytesEach: 1, of: "frames")
            var frames: [FrameRef] = []
            frames.reserveCapacity(count)
            var frame = 0
            for i in 0..<count {
                let (next, overflow) = frame.addingReportingOverflow(Int(try r.signed()))
                guard !overflow, next >= 0 else { throw .corrupt("frame \(i) has a number outside 0...\(Int.max)") }
                frame = next
                frames.append(FrameRef(path: prefix + FrameTemplate.pad(frame, width) + suffix, scene: scene, camera: camera, frame: frame))
            }
            return frames
        case 0:
            let count = try r.count(bytesEach: 4, of: "frames")
            var frames: [FrameRef] = []
            frames.reserveCapacity(count)
            for _ in 0..<count {
                let path = try r.string(), scene = try r.string(), camera = try r.string()
                frames.append(FrameRef(path: path, scene: scene, camera: camera, frame: Int(try r.signed())))
            }
            return frames
        case let other:
            throw .corrupt("frames of unknown format \(other)")
        }
    }

    static func encodeBoxes(_ boxes: [Box]) -> Data {
        var w = ByteWriter()
        let limit = Double(1 << 40)
        let integral = boxes.allSatisfy { b in
            [b.x, b.y, b.w, b.h].allSatisfy { $0.rounded() == $0 && abs($0) < limit && !($0 == 0 && $0.sign == .minus) }
        }
        if integral {
            w.byte(1)
            w.varint(UInt64(boxes.count))
            var previous: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
            for b in boxes {
                let v = (Int64(b.x), Int64(b.y), Int64(b.w), Int64(b.h))
                w.signed(v.0 - previous.0)
                w.signed(v.1 - previous.1)
                w.signed(v.2 - previous.2)
                w.signed(v.3 - previous.3)
                previous = v
            }
        } else {
            w.byte(0)
            w.varint(UInt64(boxes.count))
            for b in boxes { for v in [b.x, b.y, b.w, b.h] { w.fixed64(v.bitPattern) } }
        }
        return w.data
    }

    /// Decodes `encodeBoxes`' bytes, with counts bounded by the bytes that remain and sums checked for overflow.
    static func decodeBoxes(_ data: Data) throws(IndexError) -> [Box] {
        var r = ByteReader(data)
        switch try r.byte() {
        case 1:
            let count = try r.count(bytesEach: 4, of: "boxes")
            var boxes: [Box] = []
            boxes.reserveCapacity(count)
            var v: [Int64] = [0, 0, 0, 0]
            for i in 0..<count {
                for c in 0..<4 {
                    let (next, overflow) = v[c].addingReportingOverflow(try r.signed())
                    guard !overflow else { throw .corrupt("box \(i) overflows a 64-bit coordinate") }
                    v[c] = next
                }
                boxes.append(Box(x: Double(v[0]), y: Double(v[1]), w: Double(v[2]), h: Double(v[3])))
            }
            return boxes
        case 0:
            let count = try r.count(bytesEach: 32, of: "boxes")
            var boxes: [Box] = []
            boxes.reserveCapacity(count)
            for _ in 0..<count {
                let x = try r.fixed64(), y = try r.fixed64(), w = try r.fixed64(), h = try r.fixed64()
                boxes.append(Box(x: Double(bitPattern: x), y: Double(bitPattern: y), w: Double(bitPattern: w), h: Double(bitPattern: h)))
            }
            return boxes
        case let other:
            throw .corrupt("boxes of unknown format \(other)")
        }
    }

    /// A feature vector as little-endian Float64s.
    static func encodeVector(_ v: [Double]) -> Data {
        var w = ByteWriter()
        for x in v { w.fixed64(x.bitPattern) }
        return w.data
    }
}

/// `prefix + zero-padded frame + suffix`, shared by every frame of a track.
struct FrameTemplate {
    /// The most digits a stored frame number may be padded to; longer ones are stored plainly.
    static let maxWidth = 64

    var prefix: String
    var suffix: String
    var scene: String
    var camera: String
    var width: Int

    init?(_ frames: [FrameRef]) {
        guard let first = frames.first else { return nil }
        let path = first.path
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let digits = name.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= Self.maxWidth else { return nil }
        prefix = String(path.dropLast(name.count))
        suffix = String(name.dropFirst(digits.count))
        width = digits.count
        scene = first.scene
        camera = first.camera
        let prefixBytes = Array(prefix.utf8), suffixBytes = Array(suffix.utf8)
        for f in frames {
            guard f.scene == scene, f.camera == camera, f.frame >= 0,
                  Self.matches(f.path, frame: f.frame, prefix: prefixBytes, suffix: suffixBytes, width: width) else { return nil }
        }
    }

    /// Whether `path` is prefix + frame zero-padded to `width` + suffix, compared byte by byte.
    static func matches(_ path: String, frame: Int, prefix: [UInt8], suffix: [UInt8], width: Int) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            let digitCount = max(width, String(frame).utf8.count)
            guard bytes.count == prefix.count + digitCount + suffix.count else { return false }
            for i in 0..<prefix.count where bytes[i] != prefix[i] { return false }
            let tail = prefix.count + digitCount
            for i in 0..<suffix.count where bytes[tail + i] != suffix[i] { return false }
            var n = frame
            for i in stride(from: tail - 1, through: prefix.count, by: -1) {
                guard bytes[i] == UInt8(ascii: "0") + UInt8(n % 10) else { return false }
                n /= 10
            }
            return n == 0
        }
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

struct ByteWriter {
    var bytes: [UInt8] = []
    var data: Data { Data(bytes) }

    init() { bytes.reserveCapacity(256) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

    mutating func fixed64(_ value: UInt64) {
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    mutating func string(_ s: String) {
        varint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
}

struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    init(_ data: Data) { bytes = [UInt8](data) }

    mutating func byte() throws(IndexError) -> UInt8 {
        guard position < bytes.count else { throw .corrupt("truncated record") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func varint() throws(IndexError) -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw .corrupt("varint too long") }
            v |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return v }
            shift += 7
        }
    }

    mutating func signed() throws(IndexError) -> Int64 {
        let u = try varint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    mutating func fixed64() throws(IndexError) -> UInt64 {
        guard position + 8 <= bytes.count else { throw .corrupt("truncated record") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += 8
        return v
    }

    var remaining: Int { bytes.count - position }

    /// A stored count of items that take at least `bytesEach` bytes each, refused when the bytes
    /// that remain cannot hold that many.
    mutating func count(bytesEach: Int, of what: String) throws(IndexError) -> Int {
        let n = try varint()
        guard n <= UInt64(remaining / bytesEach) else {
            throw .corrupt("claims \(n) \(what) but only \(remaining) bytes remain")
        }
        return Int(n)
    }

    /// A stored count that may not exceed `limit`.
    mutating func count(atMost limit: Int, of what: String) throws(IndexError) -> Int {
        let n = try varint()
        guard n <= UInt64(limit) else { throw .corrupt("claims \(n) \(what), more than \(limit)") }
        return Int(n)
    }

    mutating func string() throws(IndexError) -> String {
        let n = try count(bytesEach: 1, of: "bytes of text")
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }
}
