import Foundation

/// Reads and writes CityFlow-NL track files: `{uuid: {frames, boxes, nl?, nl_other_views?}}`.
public enum TrackFile {
    /// The file's JSON, tracks in the order given (SightlineData's ordered `JSON`; `JSONEncoder`
    /// may reorder keys): `{"id": {"frames": [...], "boxes": [[x, y, w, h], ...], "nl": [...], "nl_other_views": [...]}}`.
    /// Tracks are written as they are; `write` is the checked way to save them.
    public static func json(_ tracks: [Track]) -> JSON {
        .object(tracks.map { t in
            (key: t.id, value: .object([
                ("frames", .array(t.frames.map { .string($0.path) })),
                ("boxes", .array(t.boxes.map { .array([.number($0.x), .number($0.y), .number($0.w), .number($0.h)]) })),
                ("nl", .array(t.nl.map(JSON.string))),
                ("nl_other_views", .array(t.otherViews.map(JSON.string))),
            ]))
        })
    }

    /// Writes `tracks` atomically to `url`, after checking that `load` will read them back:
    /// at least one track, unique ids, as many boxes as frames, one camera per track.
    public static func write(_ tracks: [Track], to url: URL) throws(DataError) {
        let bytes = Array((json(tracks).serialized() + "\n").utf8)
        _ = try self.tracks(bytes, file: url.path)
        try AtomicFile.write(Data(bytes), to: url)
    }

    /// Loads and validates every track, in file order.
    public static func load(from url: URL) throws(DataError) -> [Track] {
        try tracks(InputFile.contents(url.path), file: url.path)
    }

    /// The tracks of a file's bytes; `file` names it in errors.
    static func tracks(_ bytes: [UInt8], file: String) throws(DataError) -> [Track] {
        try IDKeyedFile.entries(bytes, file: file).map { (id, value) throws(DataError) -> Track in
            guard case let .object(fields) = value else {
                throw .wrongType(file: file, id: id, field: "(track)", expected: "an object", found: value.kindName)
            }
            let object = JSON.object(fields)
            guard let framesValue = object["frames"] else { throw .missingField(file: file, id: id, field: "frames") }
            guard let boxesValue = object["boxes"] else { throw .missingField(file: file, id: id, field: "boxes") }
            let paths = try strings(framesValue, file: file, id: id, field: "frames")
            guard case let .array(boxItems) = boxesValue else {
                throw .wrongType(file: file, id: id, field: "boxes", expected: "an array", found: boxesValue.kindName)
            }
            guard !paths.isEmpty else { throw .emptyField(file: file, id: id, field: "frames") }
            guard paths.count == boxItems.count else {
                throw .countMismatch(file: file, id: id, frames: paths.count, boxes: boxItems.count)
            }
            var frames: [FrameRef] = []
            frames.reserveCapacity(paths.count)
            for (i, path) in paths.enumerated() {
                guard let frame = FrameRef(path: path) else { throw .invalidFramePath(file: file, id: id, index: i, path: path) }
                if let first = frames.first, first.camera != frame.camera || first.scene != frame.scene {
                    throw .mixedCameras(file: file, id: id, first: "\(first.scene)/\(first.camera)", other: "\(frame.scene)/\(frame.camera)")
                }
                frames.append(frame)
            }
            let boxes = try boxItems.enumerated().map { (i, item) throws(DataError) in try box(item, file: file, id: id, index: i) }
            let nl = try object["nl"].map { v throws(DataError) in try strings(v, file: file, id: id, field: "nl") } ?? []
            let other = try object["nl_other_views"].map { v throws(DataError) in try strings(v, file: file, id: id, field: "nl_other_views") } ?? []
            return Track(id: id, frames: frames, boxes: boxes, nl: nl, otherViews: other)
        }
    }

    static func box(_ value: JSON, file: String, id: String, index: Int) throws(DataError) -> Box {
        guard case let .array(items) = value, items.count == 4 else {
            throw .invalidBox(file: file, id: id, index: index, reason: "must be [x, y, w, h], found \(value.serialized().prefix(60))")
        }
        var numbers: [Double] = []
        for item in items {
            guard case let .number(n) = item else {
                throw .invalidBox(file: file, id: id, index: index, reason: "holds \(item.kindName) where a number belongs")
            }
            numbers.append(n)
        }
        guard numbers.allSatisfy(\.isFinite) else { throw .invalidBox(file: file, id: id, index: index, reason: "holds a non-finite number") }
        guard numbers[2] > 0, numbers[3] > 0 else {
            throw .invalidBox(file: file, id: id, index: index, reason: "has non-positive size \(numbers[2]) x \(numbers[3])")
        }
        for (name, value) in zip(["x", "y"], numbers) where abs(value) > Box.coordinateLimit {
            throw .invalidBox(file: file, id: id, index: index, reason: "has \(name) = \(value), beyond ±\(Int(Box.coordinateLimit)) pixels")
        }
        for (name, value) in zip(["w", "h"], numbers.dropFirst(2)) where value > Box.sizeLimit {
            throw .invalidBox(file: file, id: id, index: index, reason: "has \(name) = \(value), larger than \(Int(Box.sizeLimit)) pixels")
        }
        return Box(x: numbers[0], y: numbers[1], w: numbers[2], h: numbers[3])
    }
}

/// Reads query files in the 2021 form `{uuid: [3 strings]}` and the 2022 form
/// `{uuid: {nl: [...], nl_other_views: [...]}}`.
public enum QueryFile {
    /// Loads and validates every query, in file order.
    public static func load(from url: URL) throws(DataError) -> [QueryRecord] {
        try queries(InputFile.contents(url.path), file: url.path)
    }

    /// The queries of a file's bytes; `file` names it in errors.
    static func queries(_ bytes: [UInt8], file: String) throws(DataError) -> [QueryRecord] {
        try IDKeyedFile.entries(bytes, file: file).map { (id, value) throws(DataError) -> QueryRecord in
            let nl: [String]
            var other: [String] = []
            switch value {
            case .array:
                nl = try strings(value, file: file, id: id, field: "(descriptions)")
            case .object:
                guard let nlValue = value["nl"] else { throw .missingField(file: file, id: id, field: "nl") }
                nl = try strings(nlValue, file: file, id: id, field: "nl")
                if let o = value["nl_other_views"] { other = try strings(o, file: file, id: id, field: "nl_other_views") }
            default:
                throw .wrongType(file: file, id: id, field: "(query)", expected: "an array of descriptions or an object with 'nl'", found: value.kindName)
            }
            guard !nl.isEmpty else { throw .emptyField(file: file, id: id, field: "nl") }
            return QueryRecord(id: id, nl: nl, otherViews: other)
        }
    }

    /// The development-set queries of a described track file: each track's own `nl`,
    /// with the track id as the query id (so the truth is the identity).
    public static func queries(describing tracks: [Track], file: String) throws(DataError) -> [QueryRecord] {
        try tracks.map { t throws(DataError) in
            guard !t.nl.isEmpty else { throw .missingField(file: file, id: t.id, field: "nl") }
            return QueryRecord(id: t.id, nl: t.nl, otherViews: t.otherViews)
        }
    }
}

/// The shared shape of every CityFlow-NL file: one JSON object keyed by non-empty, unique ids,
/// in UTF-8 (a leading byte-order mark is allowed).
enum IDKeyedFile {
    static func entries(of url: URL) throws(DataError) -> [(key: String, value: JSON)] {
        try entries(InputFile.contents(url.path), file: url.path)
    }

    /// The entries of a file's bytes; `file` names it in errors.
    static func entries(_ bytes: [UInt8], file: String) throws(DataError) -> [(key: String, value: JSON)] {
        let text = bytes.starts(with: JSON.byteOrderMark) ? bytes.dropFirst(JSON.byteOrderMark.count) : bytes[...]
        guard text.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { throw .empty(file: file) }
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw .malformedJSON(file: file, detail: error.description) }
        guard case let .object(members) = json else { throw .notAnObject(file: file, found: json.kindName) }
        guard !members.isEmpty else { throw .noEntries(file: file) }
        var seen = Set<String>()
        for member in members {
            guard !member.key.trimmingCharacters(in: .whitespaces).isEmpty else { throw .emptyID(file: file) }
            guard seen.insert(member.key).inserted else { throw .duplicateID(file: file, id: member.key) }
        }
        return members
    }
}

func strings(_ value: JSON, file: String, id: String, field: String) throws(DataError) -> [String] {
    guard case let .array(items) = value else {
        throw .wrongType(file: file, id: id, field: field, expected: "an array of strings", found: value.kindName)
    }
    return try items.map { item throws(DataError) in
        guard case let .string(s) = item else {
            throw .wrongType(file: file, id: id, field: field, expected: "an array of strings", found: "an array holding \(item.kindName)")
        }
        return s
    }
}
