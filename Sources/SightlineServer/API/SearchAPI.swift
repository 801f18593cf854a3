import Foundation
import Hummingbird
import SightlineData
import SightlineRanking
import SightlineSearch

/// The JSON body of `POST /search` as sent; every field optional so that a missing one gets
/// its own message instead of a generic decoding error.
struct SearchBody: Decodable {
    var text: String?
    var top: Int?
    var cameras: [String]?
    var colours: [String]?
    var types: [String]?

    private enum CodingKeys: String, CodingKey {
        case text, top, cameras, colours, types
    }

    /// `top` is read as a number so that 2.5 and 1e12 get a message about `top`, not about the JSON.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        if let number = try container.decodeIfPresent(Double.self, forKey: .top) {
            guard number.rounded() == number else { throw APIError.invalidField("top", reason: "must be an integer, got \(number)") }
            top = abs(number) < 1e15 ? Int(number) : Int.max
        }
        cameras = try container.decodeIfPresent([String].self, forKey: .cameras)
        colours = try container.decodeIfPresent([String].self, forKey: .colours)
        types = try container.decodeIfPresent([String].self, forKey: .types)
    }

    /// The checked request, or the first rule it breaks.
    func validated(against limits: ServerConfiguration) throws(APIError) -> SearchRequest {
        guard let text else { throw .missingField("text") }
        do {
            return try SearchRequest(text: text, top: top ?? 10, cameras: cameras, colours: colours, types: types)
                .validated(limits.searchLimits)
        } catch {
            switch error {
            case .invalidField(let field, let reason): throw .invalidField(field, reason: reason)
            case .queryTooLong(let characters, let limit): throw .queryTooLong(characters: characters, limit: limit)
            }
        }
    }

    /// Decodes a body, naming the field at fault.
    static func decode(_ data: Data) throws(APIError) -> SearchBody {
        do {
            try JSON.checkBeforeDecoding([UInt8](data))
            return try JSONDecoder().decode(SearchBody.self, from: data)
        } catch let error as APIError {
            throw error
        } catch let error as JSONSyntaxError {
            throw .invalidJSON(detail: error.description)
        } catch DecodingError.typeMismatch(let type, let context) {
            if context.codingPath.isEmpty { throw .invalidJSON(detail: "expected a JSON object") }
            throw .invalidField(context.codingPath.dottedPath, reason: "must be \(Self.name(of: type))")
        } catch DecodingError.valueNotFound(let type, let context) {
            throw .invalidField(context.codingPath.dottedPath, reason: "must be \(Self.name(of: type)), not null")
        } catch DecodingError.dataCorrupted(let context) {
            if context.codingPath.isEmpty {
                throw .invalidJSON(detail: (context.underlyingError as? NSError)?.localizedDescription ?? context.debugDescription)
            }
            throw .invalidField(context.codingPath.dottedPath, reason: "is malformed: \(context.debugDescription)")
        } catch {
            throw .invalidJSON(detail: "it could not be decoded")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is [String].Type, is [Any].Type: "a list of strings"
        default: "of another type"
        }
    }
}

extension [any CodingKey] {
    fileprivate var dottedPath: String {
        map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
    }
}

/// One term's part in a hit's score, as the web page draws it.
struct ContributionJSON: Codable, Equatable {
    var term: String
    var weight: Double
    var score: Double
    /// weight × score: the bar length.
    var value: Double
    var reason: String

    init(_ c: Contribution) {
        term = c.term
        weight = c.weight.finiteOrZero
        score = c.score.finiteOrZero
        value = c.value.finiteOrZero
        reason = c.reason
    }
}

/// One ranked track in a search response.
struct HitJSON: Codable, Equatable {
    var rank: Int
    var track: String
    var camera: String
    var total: Double
    var contributions: [ContributionJSON]
}

/// The body of a `POST /search` response.
struct SearchResponse: Codable, Equatable {
    var text: String
    var top: Int
    var hits: [HitJSON]
    /// Server-side time of the search in milliseconds.
    var milliseconds: Double

    init(request: SearchRequest, hits: [SearchHit], milliseconds: Double) {
        text = request.text
        top = request.top
        self.hits = hits.enumerated().map { i, hit in
            HitJSON(rank: i + 1, track: hit.track, camera: hit.camera, total: hit.total.finiteOrZero, contributions: hit.contributions.map(ContributionJSON.init))
        }
        self.milliseconds = milliseconds
    }
}

/// What the web page's filters offer: the shared vocabularies.
struct VocabularyResponse: Codable, Equatable {
    var colours: [String]
    var types: [String]
    var cameras: [String]
}
