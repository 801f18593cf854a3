import Foundation

/// A bounds-checked little-endian cursor over file bytes; every read past the end throws `.truncated`.
struct ByteReader {
    let bytes: [UInt8]
    let path: String
    var offset: Int = 0

    init(bytes: [UInt8], path: String, offset: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.offset = offset
    }

    mutating func require(_ count: Int) throws {
        guard count >= 0, offset <= bytes.count, bytes.count - offset >= count else {
            throw WeightFileError.truncated(path: path, offset: offset, needed: count)
        }
    }

    mutating func byte() throws -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        try require(count)
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func uint(_ width: Int) throws -> UInt64 {
        try require(width)
        var value: UInt64 = 0
        for i in 0..<width { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += width
        return value
    }

    mutating func int(_ width: Int) throws -> Int64 {
        let raw = try uint(width)
        if width == 8 { return Int64(bitPattern: raw) }
        let shift = UInt64(64 - 8 * width)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    /// Reads up to and excluding the next newline (pickle text arguments).
    mutating func line() throws -> String {
        guard let end = bytes[offset...].firstIndex(of: 0x0A) else {
            throw WeightFileError.truncated(path: path, offset: offset, needed: 1)
        }
        defer { offset = end + 1 }
        return String(decoding: bytes[offset..<end], as: UTF8.self)
    }
}

/// Whole-file reading and element conversion shared by the weight-file parsers.
public enum WeightFile {
    /// Reads a whole file, naming it in the error when it cannot.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable" : "no such file"
            throw WeightFileError.unreadable(path: path, reason: reason)
        }
        return [UInt8](data)
    }

    /// Reinterprets little-endian bytes as floats, converting from the stored element type.
    static func floats(_ bytes: ArraySlice<UInt8>, dtype: StoredType) -> [Float] {
        let count = bytes.count / dtype.size
        var result = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            switch dtype {
            case .float32:
                result.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<(count * 4)])) }
            case .float16:
                for i in 0..<count { result[i] = Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bfloat16:
                for i in 0..<count { result[i] = Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16) }
            case .float64:
                for i in 0..<count { result[i] = Float(raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
            case .int64:
                for i in 0..<count { result[i] = Float(raw.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)) }
            case .int32:
                for i in 0..<count { result[i] = Float(raw.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
            }
        }
        return result
    }
}

/// Element types a weight file may store; all are converted to `Float` on load.
enum StoredType: Sendable {
    case float32, float16, bfloat16, float64, int64, int32

    var size: Int {
        switch self {
        case .float32, .int32: 4
        case .float16, .bfloat16: 2
        case .float64, .int64: 8
        }
    }
}
