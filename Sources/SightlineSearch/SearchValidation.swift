import Foundation
import SightlineData

/// The bounds a search request must keep. The HTTP server enforces its configured ones; the
/// command line only asks for a sensible request.
public struct SearchLimits: Sendable, Equatable {
    /// Longest query text, in characters.
    public var maxQueryCharacters: Int
    /// `top` must lie in `1...maxTop`.
    public var maxTop: Int
    /// Most entries in each filter list (cameras, colours, types).
    public var maxFilterValues: Int
    /// Longest single filter value, in characters.
    public var maxValueCharacters: Int

    public init(maxQueryCharacters: Int = 2_000, maxTop: Int = 1_000, maxFilterValues: Int = 100, maxValueCharacters: Int = 64) {
        self.maxQueryCharacters = maxQueryCharacters
        self.maxTop = maxTop
        self.maxFilterValues = maxFilterValues
        self.maxValueCharacters = maxValueCharacters
    }

    /// No bound but the request's own sense (positive `top`, known names, a description).
    public static let unbounded = SearchLimits(maxQueryCharacters: .max, maxTop: .max, maxFilterValues: .max, maxValueCharacters: .max)
}

/// The first rule a search request breaks, naming the field.
public enum SearchRequestError: Error, Equatable, CustomStringConvertible {
    case invalidField(String, reason: String)
    case queryTooLong(characters: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalidField(let field, let reason): "field '\(field)' \(reason)"
        case .queryTooLong(let characters, let limit): "field 'text' has \(characters) characters; the limit is \(limit)"
        }
    }
}

extension SearchRequest {
    /// The descriptions in the text: one per non-empty line, as CityFlow-NL gives three per vehicle.
    public var descriptions: [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The request with empty filter lists made nil, or the first rule it breaks. Every front
    /// end (CLI, HTTP) checks requests here, so they accept and refuse the same ones.
    public func validated(_ limits: SearchLimits) throws(SearchRequestError) -> SearchRequest {
        guard !descriptions.isEmpty else { throw .invalidField("text", reason: "is empty") }
        guard text.count <= limits.maxQueryCharacters else {
            throw .queryTooLong(characters: text.count, limit: limits.maxQueryCharacters)
        }
        guard (1...limits.maxTop).contains(top) else {
            let bound = limits.maxTop == .max ? "must be positive" : "must be between 1 and \(limits.maxTop)"
            throw .invalidField("top", reason: top == .max ? bound : "\(bound), got \(top)")
        }
        var checked = self
        checked.cameras = try Self.filter("cameras", cameras, limits, known: nil)
        checked.colours = try Self.filter("colours", colours, limits, known: VehicleColor.allCases.map(\.rawValue))
        checked.types = try Self.filter("types", types, limits, known: BodyType.allCases.map(\.rawValue))
        return checked
    }

    private static func filter(_ field: String, _ values: [String]?, _ limits: SearchLimits, known: [String]?) throws(SearchRequestError) -> [String]? {
        guard let values, !values.isEmpty else { return nil }
        guard values.count <= limits.maxFilterValues else {
            throw .invalidField(field, reason: "has \(values.count) values; the limit is \(limits.maxFilterValues)")
        }
        if let known, let unknown = values.first(where: { !known.contains($0) }) {
            throw .invalidField(field, reason: "has unknown value '\(unknown)'; known: \(known.sorted().joined(separator: ", "))")
        }
        if let bad = values.first(where: { $0.isEmpty || $0.count > limits.maxValueCharacters }) {
            throw .invalidField(field, reason: "has an empty or over-long value '\(bad.prefix(64))'")
        }
        return values
    }

    /// Whether a camera ("S01/c003") passes the camera filter, named in full or by its last part.
    public func keeps(camera key: String) -> Bool {
        guard let cameras, !cameras.isEmpty else { return true }
        return cameras.contains(key) || cameras.contains(String(key.split(separator: "/").last ?? ""))
    }

    /// Whether a track whose pixels most likely show `colour` passes the colour filter; a track
    /// without pixels (nil) passes only when no colour is asked for.
    public func keeps(colour: VehicleColor?) -> Bool {
        guard let colours, !colours.isEmpty else { return true }
        return colour.map { colours.contains($0.rawValue) } ?? false
    }

    /// Whether a track whose pixels most likely show `type` passes the type filter, as `keeps(colour:)`.
    public func keeps(type: BodyType?) -> Bool {
        guard let types, !types.isEmpty else { return true }
        return type.map { types.contains($0.rawValue) } ?? false
    }
}
