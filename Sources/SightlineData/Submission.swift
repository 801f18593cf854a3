import Foundation

/// An AI City Track 2 submission: for every query, every gallery track id, best first.
public struct Submission: Sendable, Equatable {
    public var rankings: [(query: String, tracks: [String])]

    public init(rankings: [(query: String, tracks: [String])]) { self.rankings = rankings }

    public static func == (a: Submission, b: Submission) -> Bool {
        a.rankings.count == b.rankings.count && zip(a.rankings, b.rankings).allSatisfy { $0.query == $1.query && $0.tracks == $1.tracks }
    }

    public subscript(query: String) -> [String]? { rankings.first { $0.query == query }?.tracks }

    /// Checks that every ranking lists each gallery track exactly once, then writes
    /// `{query: [track, ...]}` atomically.
    public func write(to url: URL, gallery: [String]) throws(DataError) {
        let expected = Set(gallery)
        for (query, tracks) in rankings {
            var seen = Set<String>()
            for t in tracks where !seen.insert(t).inserted {
                throw .duplicateID(file: url.path, id: "\(query) ranks track \(t) twice; it")
            }
            guard seen == expected else {
                let missing = expected.subtracting(seen).sorted().first ?? seen.subtracting(expected).sorted().first ?? "?"
                throw .missingField(file: url.path, id: query, field: "ranking (track \(missing) is missing or unknown)")
            }
        }
        let json = JSON.object(rankings.map { ($0.query, JSON.array($0.tracks.map(JSON.string))) })
        try AtomicFile.write(Data((json.serialized() + "\n").utf8), to: url)
    }

    /// Reads a submission file.
    public static func load(from url: URL) throws(DataError) -> Submission {
        let file = url.path
        let entries = try IDKeyedFile.entries(of: url)
        return Submission(rankings: try entries.map { (id, value) throws(DataError) in
            (id, try strings(value, file: file, id: id, field: "(ranking)"))
        })
    }
}

/// Ground truth: the one correct track of each query.
public struct GroundTruth: Sendable, Equatable {
    public var targets: [(query: String, track: String)]

    public init(targets: [(query: String, track: String)]) { self.targets = targets }

    public static func == (a: GroundTruth, b: GroundTruth) -> Bool {
        a.targets.count == b.targets.count && zip(a.targets, b.targets).allSatisfy { $0 == $1 }
    }

    /// Reads `{query: "track"}` or `{query: ["track"]}` (the first listed track is the target).
    public static func load(from url: URL) throws(DataError) -> GroundTruth {
        try truth(InputFile.contents(url.path), file: url.path)
    }

    /// The truth of a file's bytes; `file` names it in errors.
    static func truth(_ bytes: [UInt8], file: String) throws(DataError) -> GroundTruth {
        GroundTruth(targets: try IDKeyedFile.entries(bytes, file: file).map { (id, value) throws(DataError) in
            switch value {
            case let .string(track) where !track.isEmpty: return (id, track)
            case .array:
                guard let first = try strings(value, file: file, id: id, field: "(target)").first else {
                    throw .emptyField(file: file, id: id, field: "(target)")
                }
                return (id, first)
            default:
                throw .wrongType(file: file, id: id, field: "(target)", expected: "a track id or an array of track ids", found: value.kindName)
            }
        })
    }

    /// The development-set truth of described tracks: each track's own descriptions find it.
    public static func identity(of tracks: [Track]) -> GroundTruth {
        GroundTruth(targets: tracks.map { ($0.id, $0.id) })
    }
}
