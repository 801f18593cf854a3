import Foundation
import Hummingbird
import Logging

/// Everything a request can get wrong or ask for in vain, with the context to say which
/// part. Rendered as `{"error": "..."}` with the matching status code; a failure of the server
/// itself (5xx) shows only a generic message and the request id, its detail goes to the log.
enum APIError: Error, Equatable, CustomStringConvertible {
    case invalidJSON(detail: String)
    case missingField(String)
    case invalidField(String, reason: String)
    case queryTooLong(characters: Int, limit: Int)
    case bodyTooLarge(limit: Int)
    case bodyTimedOut(seconds: Int)
    case unknownTrack(String)
    case noPixels(track: String, image: String)
    /// A frame the picture needs is not on disk; `path` is for the log only.
    case frameMissing(track: String, image: String, path: String)
    /// The track's own data rules the picture out (no boxes, a box outside the frame).
    case noImage(track: String, image: String, reason: String)
    case imageFailed(track: String, image: String, detail: String)
    case notFound(path: String)
    case methodNotAllowed(method: String, path: String)
    case wrongHost(String?)
    case unauthorized
    case unsupportedMediaType(String?)
    case backendFailed(detail: String)

    var status: HTTPResponse.Status {
        switch self {
        case .invalidJSON, .missingField, .invalidField: .badRequest
        case .queryTooLong: .unprocessableContent
        case .bodyTooLarge: .contentTooLarge
        case .bodyTimedOut: .requestTimeout
        case .unknownTrack, .noPixels, .frameMissing, .noImage, .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .wrongHost(let host): host == nil ? .badRequest : .misdirectedRequest
        case .unauthorized: .unauthorized
        case .unsupportedMediaType: .unsupportedMediaType
        case .imageFailed, .backendFailed: .internalServerError
        }
    }

    /// The message a client sees; for 5xx the caller adds the request id.
    var description: String {
        switch self {
        case .invalidJSON(let detail): "request body is not valid JSON: \(detail)"
        case .missingField(let field): "missing field '\(field)'"
        case .invalidField(let field, let reason): "field '\(field)' \(reason)"
        case .queryTooLong(let characters, let limit): "field 'text' has \(characters) characters; the limit is \(limit)"
        case .bodyTooLarge(let limit): "request body larger than \(limit) bytes"
        case .bodyTimedOut(let seconds): "request body not received within \(seconds) s"
        case .unknownTrack(let id): "no track with id '\(id)'"
        case .noPixels(let track, let image): "no \(image) for track '\(track)': the index has no frames for it"
        case .frameMissing(let track, let image, _): "no \(image) for track '\(track)': a frame it needs is missing"
        case .noImage(let track, let image, let reason): "no \(image) for track '\(track)': \(reason)"
        case .notFound(let path): "no such resource: \(path)"
        case .methodNotAllowed(let method, let path): "\(method) is not allowed on \(path)"
        case .wrongHost(nil): "missing Host header"
        case .wrongHost(let host?): "this server does not answer for host '\(host)' (see --allowed-host)"
        case .unauthorized: "missing or wrong access token: send 'Authorization: Bearer TOKEN'"
        case .unsupportedMediaType(let type): "POST needs 'Content-Type: application/json', got \(type.map { "'\($0)'" } ?? "none")"
        case .imageFailed, .backendFailed: APIError.internalMessage
        }
    }

    /// What the server log gets besides the status: the detail a client must not see.
    var logDetail: String? {
        switch self {
        case .frameMissing(let track, let image, let path): "\(image) of \(track): missing frame \(path)"
        case .imageFailed(let track, let image, let detail): "\(image) of \(track): \(detail)"
        case .backendFailed(let detail): detail
        default: nil
        }
    }

    static let internalMessage = "internal server error; the server log has the details under this request's id"
}

/// The body of every error response; `requestId` only on server failures.
struct ErrorBody: Codable, Equatable {
    var error: String
    var requestId: String?
}

/// The outermost middleware: turns any error thrown below it into the `{"error": ...}` shape
/// (`APIError` as itself, Hummingbird's own errors with their status, anything else as a generic
/// 500 logged under the request id) and puts the request id and security headers on every response.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = context.logger[metadataKey: "hb.request.id"]?.description ?? RequestID().description
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.response(for: error, request: request, id: id, logger: context.logger)
        }
        response.headers[ResponseHeaders.requestID] = id
        for field in ResponseHeaders.security where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        return response
    }

    private static func response(for error: any Error, request: Request, id: String, logger: Logger) -> Response {
        let apiError: APIError
        switch error {
        case let error as APIError:
            apiError = error
        case let error as any HTTPResponseError where error.status.code < 500:
            let message = switch error.status {
            case .notFound: APIError.notFound(path: request.uri.path).description
            case .methodNotAllowed: APIError.methodNotAllowed(method: request.method.rawValue, path: request.uri.path).description
            case .contentTooLarge: "request body too large"
            default: error.status.reasonPhrase
            }
            return JSONResponse.make(ErrorBody(error: message), status: error.status)
        default:
            apiError = .backendFailed(detail: String(reflecting: error))
        }
        if let detail = apiError.logDetail {
            let level: Logger.Level = apiError.status.code >= 500 ? .error : .warning
            logger.log(level: level, "\(request.method) \(request.uri.path) \(apiError.status.code): \(detail)")
        }
        let isServerFailure = apiError.status.code >= 500
        return JSONResponse.make(ErrorBody(error: apiError.description, requestId: isServerFailure ? id : nil), status: apiError.status)
    }
}

/// JSON responses with one encoder configuration.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data(#"{"error":"response could not be encoded"}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if status == .unauthorized { headers[.wwwAuthenticate] = #"Bearer realm="sightline""# }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
