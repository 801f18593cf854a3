import Foundation

/// Reader for the safetensors format (Hugging Face): an 8-byte header length,
/// a JSON header of `name: {dtype, shape, data_offsets}`, then raw little-endian data.
public enum SafeTensors {
    /// Reads every tensor of the file at `path`, converted to `Float`.
    public static func load(path: String) throws -> [String: StoredTensor] {
        try parse(WeightFile.read(path), path: path)
    }

    /// The bytes of a safetensors file holding `tensors` as F32, in name order, so the same
    /// tensors always give the same bytes; the header is padded with spaces to a multiple of 8.
    public static func encode(_ tensors: [String: StoredTensor]) -> [UInt8] {
        let names = tensors.keys.sorted()
        var offset = 0
        var entries: [String] = []
        for name in names {
            let tensor = tensors[name]!
            let end = offset + 4 * tensor.data.count
            entries.append("\(quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for name in names {
            for value in tensors[name]!.data { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        }
        return bytes
    }

    /// `name` as a JSON string literal.
    private static func quoted(_ name: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [name], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    static func parse(_ bytes: [UInt8], path: String) throws -> [String: StoredTensor] {
        var reader = ByteReader(bytes: bytes, path: path)
        let headerLength = try reader.uint(8)
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw WeightFileError.truncated(path: path, offset: 8, needed: Int(clamping: headerLength))
        }
        let header = try reader.take(Int(headerLength))
        let dataStart = reader.offset
        guard let json = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any] else {
            throw WeightFileError.malformed(path: path, offset: 8, reason: "header is not a JSON object")
        }
        var tensors: [String: StoredTensor] = [:]
        for (name, value) in json where name != "__metadata__" {
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int],
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw WeightFileError.malformed(path: path, offset: 8, reason: "entry \(name) lacks dtype, shape or data_offsets")
            }
            guard let dtype = storedType(dtypeName) else {
                throw WeightFileError.unsupportedFormat(path: path, reason: "tensor \(name) has dtype \(dtypeName)")
            }
            let start = dataStart + offsets[0], end = dataStart + offsets[1]
            let elements = shape.reduce(1, *)
            guard offsets[0] >= 0, start <= end, shape.allSatisfy({ $0 >= 0 }), end - start == elements * dtype.size else {
                throw WeightFileError.malformed(path: path, offset: 8, reason: "tensor \(name) offsets \(offsets) do not match shape \(shape)")
            }
            guard end <= bytes.count else {
                throw WeightFileError.truncated(path: path, offset: start, needed: end - start)
            }
            tensors[name] = StoredTensor(shape: shape, data: WeightFile.floats(bytes[start..<end], dtype: dtype))
        }
        return tensors
    }

    private static func storedType(_ name: String) -> StoredType? {
        switch name {
        case "F32": .float32
        case "F16": .float16
        case "BF16": .bfloat16
        case "F64": .float64
        case "I64": .int64
        case "I32": .int32
        default: nil
        }
    }
}
