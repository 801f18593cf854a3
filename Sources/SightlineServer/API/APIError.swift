import Foundation
import Hummingbird

/// Everything a request can get wrong or ask for in vain, with the context to say which
/// part. Rendered as `{"error": "..."}` with the matching status code.
enum APIError: Error, Equatable, CustomStringConvertible {
    case invalidJSON(detail: String)
    case missingField(String)
    case invalidField(String, reason: String)
    case queryTooLong(characters: Int, limit: Int)
    case bodyTooLarge(limit: Int)
    case unknownTrack(String)
    case noPixels(track: String, image: String)
    case imageFailed(track: String, image: String, detail: String)
    case notFound(path: String)
    case methodNotAllowed(method: String, path: String)
    case backendFailed(detail: String)

    var status: HTTPResponse.Status {
        switch self {
        case .invalidJSON, .missingField, .invalidField: .badRequest
        case .queryTooLong: .unprocessableContent
        case .bodyTooLarge: .contentTooLarge
        case .unknownTrack, .noPixels, .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .imageFailed, .backendFailed: .internalServerError
        }
    }

    var description: String {
        switch self {
        case .invalidJSON(let detail): "request body is not valid JSON: \(detail)"
        case .missingField(let field): "missing field '\(field)'"
        case .invalidField(let field, let reason): "field '\(field)' \(reason)"
        case .queryTooLong(let characters, let limit): "field 'text' has \(characters) characters; the limit is \(limit)"
        case .bodyTooLarge(let limit): "request body larger than \(limit) bytes"
        case .unknownTrack(let id): "no track with id '\(id)'"
        case .noPixels(let track, let image): "no \(image) for track '\(track)': the index has no frames for it"
        case .imageFailed(let track, let image, let detail): "could not render the \(image) of track '\(track)': \(detail)"
        case .notFound(let path): "no such resource: \(path)"
        case .methodNotAllowed(let method, let path): "\(method) is not allowed on \(path)"
        case .backendFailed(let detail): "search backend failed: \(detail)"
        }
    }
}

/// The body of every error response.
struct ErrorBody: Codable, Equatable {
    var error: String
}

extension APIError: HTTPResponseError {
    func response(from request: Request, context: some RequestContext) throws -> Response {
        JSONResponse.make(ErrorBody(error: description), status: status)
    }
}

/// Turns any error thrown below it into the `{"error": ...}` shape: `APIError` as itself,
/// Hummingbird's own errors (unknown route, ...) with their status, anything else as 500.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return JSONResponse.make(ErrorBody(error: error.description), status: error.status)
        } catch let error as any HTTPResponseError {
            let message = switch error.status {
            case .notFound: APIError.notFound(path: request.uri.path).description
            case .methodNotAllowed: APIError.methodNotAllowed(method: request.method.rawValue, path: request.uri.path).description
            case .contentTooLarge: "request body too large"
            default: error.status.reasonPhrase
            }
            return JSONResponse.make(ErrorBody(error: message), status: error.status)
        } catch {
            return JSONResponse.make(ErrorBody(error: APIError.backendFailed(detail: "\(error)").description), status: .internalServerError)
        }
    }
}

/// JSON responses with one encoder configuration.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"response could not be encoded"}"#.utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
