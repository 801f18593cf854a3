import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import SightlineServer
#if canImport(Glibc)
import Glibc
#endif

/// `server.application()` — with its connection limits, which Hummingbird's `.live` test mode drops —
/// on a free loopback port for the length of `body`, then shut down gracefully.
func withLiveServer<T: Sendable>(_ server: SightlineServer, _ body: @Sendable (Int) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = server.application { port in continuation.yield(port) }
    let group = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "test")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw RawSocket.Failure("the server did not start") }
        do {
            let value = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }
}

/// One TCP connection to 127.0.0.1, written and read byte for byte, for what an HTTP client
/// library will not do: stay silent, trickle headers, send any `Host`. Reads block a dispatch
/// thread, not the task pool the server in the same process answers on.
final class RawSocket: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private let fd: Int32

    /// Connects; reads give up after `receiveTimeout` seconds of silence.
    init(port: Int, receiveTimeout: Double = 60) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure("socket() failed: errno \(errno)") }
        setReceiveTimeout(receiveTimeout)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); throw Failure("connect() failed: errno \(errno)") }
    }

    deinit { Glibc.close(fd) }

    /// Reads give up after `seconds` of silence.
    func setReceiveTimeout(_ seconds: Double) {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends all of `text`; false once the server has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// What arrives until the server closes (`closed`) or stays silent past the receive timeout.
    func readUntilClosed() async -> (text: String, closed: Bool) {
        await Self.offThePool { self.blockingReadUntilClosed() }
    }

    /// One response (headers and a `Content-Length` body); nil when none arrives before the timeout or the close.
    func readResponse() async -> String? {
        await Self.offThePool { self.blockingReadResponse() }
    }

    /// Sends a request and reads its response; nil when none comes.
    func request(_ text: String) async -> String? {
        guard send(text) else { return nil }
        return await readResponse()
    }

    private static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    private func blockingReadUntilClosed() -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { received += buffer[..<n]; continue }
            return (String(decoding: received, as: UTF8.self), n == 0 || errno == ECONNRESET)
        }
    }

    private func blockingReadResponse() -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count >= text.utf8.distance(from: text.utf8.startIndex, to: end.upperBound) + length { return text }
            }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            received += buffer[..<n]
        }
    }

    func close() { shutdown(fd, Int32(SHUT_RDWR)) }
}

/// The status code of a raw HTTP/1.1 response.
func statusCode(_ response: String?) -> Int? {
    response.flatMap { $0.split(separator: " ", maxSplits: 2).dropFirst().first }.flatMap { Int($0) }
}
