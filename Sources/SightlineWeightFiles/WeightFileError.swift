/// Why a weight file could not be read or did not match the model that reads it.
public enum WeightFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist or cannot be opened.
    case unreadable(path: String, reason: String)
    /// The file ends before a structure it announces.
    case truncated(path: String, offset: Int, needed: Int)
    /// The bytes at `offset` do not follow the format.
    case malformed(path: String, offset: Int, reason: String)
    /// The container is valid but of a kind this loader does not implement.
    case unsupportedFormat(path: String, reason: String)
    /// A tensor the model needs is absent.
    case missingKey(path: String, key: String)
    /// The file holds a tensor the model does not use.
    case unexpectedKey(path: String, key: String)
    /// A tensor has another shape than the model expects.
    case shapeMismatch(path: String, key: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .unreadable(path, reason): "cannot read weight file \(path): \(reason)"
        case let .truncated(path, offset, needed): "weight file \(path) is truncated: needs \(needed) bytes at offset \(offset)"
        case let .malformed(path, offset, reason): "weight file \(path) is malformed at offset \(offset): \(reason)"
        case let .unsupportedFormat(path, reason): "weight file \(path) has an unsupported format: \(reason)"
        case let .missingKey(path, key): "weight file \(path) lacks tensor \(key)"
        case let .unexpectedKey(path, key): "weight file \(path) has unexpected tensor \(key)"
        case let .shapeMismatch(path, key, expected, found): "tensor \(key) in \(path) has shape \(found), expected \(expected)"
        }
    }
}
