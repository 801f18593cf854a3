/// Why a CityFlow-NL, submission or truth file was rejected. Every case names the file,
/// and where it applies the track or query id and the field, so the message alone
/// tells the user what to fix.
public enum DataError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case empty(file: String)
    case malformedJSON(file: String, detail: String)
    case notAnObject(file: String, found: String)
    case noEntries(file: String)
    case emptyID(file: String)
    case duplicateID(file: String, id: String)
    case missingField(file: String, id: String, field: String)
    case wrongType(file: String, id: String, field: String, expected: String, found: String)
    case emptyField(file: String, id: String, field: String)
    case countMismatch(file: String, id: String, frames: Int, boxes: Int)
    case invalidBox(file: String, id: String, index: Int, reason: String)
    case invalidFramePath(file: String, id: String, index: Int, path: String)
    case mixedCameras(file: String, id: String, first: String, other: String)
    case unwritable(file: String, reason: String)
    case malformedLine(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): "\(file): cannot read: \(reason)"
        case let .empty(file): "\(file): the file is empty"
        case let .malformedJSON(file, detail): "\(file): malformed JSON at \(detail)"
        case let .notAnObject(file, found): "\(file): expected a JSON object keyed by id, found \(found)"
        case let .noEntries(file): "\(file): the object holds no entries"
        case let .emptyID(file): "\(file): an entry has an empty id"
        case let .duplicateID(file, id): "\(file): id \(id) appears more than once"
        case let .missingField(file, id, field): "\(file): \(id): missing field '\(field)'"
        case let .wrongType(file, id, field, expected, found): "\(file): \(id): field '\(field)' must be \(expected), found \(found)"
        case let .emptyField(file, id, field): "\(file): \(id): field '\(field)' is empty"
        case let .countMismatch(file, id, frames, boxes): "\(file): \(id): 'frames' has \(frames) entries but 'boxes' has \(boxes)"
        case let .invalidBox(file, id, index, reason): "\(file): \(id): boxes[\(index)] \(reason)"
        case let .invalidFramePath(file, id, index, path): "\(file): \(id): frames[\(index)] '\(path)' is not of the form .../S<scene>/c<camera>/img1/<frame>.jpg"
        case let .mixedCameras(file, id, first, other): "\(file): \(id): 'frames' mixes cameras \(first) and \(other)"
        case let .unwritable(file, reason): "\(file): cannot write: \(reason)"
        case let .malformedLine(file, line, reason): "\(file): line \(line): \(reason)"
        }
    }
}
