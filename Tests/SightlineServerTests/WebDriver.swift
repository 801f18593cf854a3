import AsyncHTTPClient
import Foundation
import Hummingbird
#if canImport(Glibc)
import Glibc
#endif

/// A minimal W3C WebDriver client for chromedriver: HTTP and JSON, no Selenium.
struct WebDriver {
    enum Failure: Error, CustomStringConvertible {
        case notStarted(String)
        case command(String, status: Int, message: String)
        case malformed(String)
        case timedOut(String)

        var description: String {
            switch self {
            case .notStarted(let why): "chromedriver did not start: \(why)"
            case .command(let what, let status, let message): "WebDriver \(what) failed with \(status): \(message)"
            case .malformed(let what): "WebDriver \(what): unexpected reply"
            case .timedOut(let what): "timed out waiting for \(what)"
            }
        }
    }

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    static let chromedriver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"
    static let chromium = ProcessInfo.processInfo.environment["CHROMIUM"] ?? "/usr/bin/chromium"
    static var available: Bool {
        FileManager.default.isExecutableFile(atPath: chromedriver) && FileManager.default.isExecutableFile(atPath: chromium)
    }

    let base: URL
    let process: Process

    /// Starts chromedriver on a free loopback port and waits until it answers.
    static func start() async throws -> WebDriver {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromedriver)
        process.arguments = ["--port=\(port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let driver = WebDriver(base: URL(string: "http://127.0.0.1:\(port)")!, process: process)
        var last = "no answer"
        for _ in 0..<100 {
            do {
                if (try await driver.call("GET", "/status")["ready"] as? Bool) == true { return driver }
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        driver.stop()
        throw Failure.notStarted("port \(port) after 10 s: \(last)")
    }

    /// Kills chromedriver: it inherits the test runner's blocked signals, so SIGTERM would go unheard.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// A headless Chromium session; returns its id.
    func newSession(width: Int = 1440, height: Int = 1000) async throws -> String {
        let options: [String: Any] = [
            "binary": Self.chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=\(width),\(height)",
                     "--force-device-scale-factor=1", "--hide-scrollbars"],
        ]
        let value = try await call("POST", "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": options]]])
        guard let id = value["sessionId"] as? String else { throw Failure.malformed("new session") }
        return id
    }

    func deleteSession(_ session: String) async {
        _ = try? await call("DELETE", "/session/\(session)")
    }

    func navigate(_ session: String, to url: String) async throws {
        _ = try await call("POST", "/session/\(session)/url", ["url": url])
    }

    func element(_ session: String, css: String) async throws -> String {
        let value = try await call("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let id = value[Self.elementKey] as? String else { throw Failure.malformed("find \(css)") }
        return id
    }

    func sendKeys(_ session: String, element: String, _ text: String) async throws {
        _ = try await call("POST", "/session/\(session)/element/\(element)/value", ["text": text])
    }

    func click(_ session: String, element: String) async throws {
        _ = try await call("POST", "/session/\(session)/element/\(element)/click", [:])
    }

    /// Runs `script` in the page and returns its result.
    func execute(_ session: String, _ script: String) async throws -> Any? {
        try await callValue("POST", "/session/\(session)/execute/sync", ["script": script, "args": []])
    }

    /// Polls `script` until it returns true.
    func wait(_ session: String, for what: String, timeout: Duration = .seconds(30), _ script: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if (try await execute(session, script) as? Bool) == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure.timedOut(what)
    }

    /// A PNG of the viewport.
    func screenshot(_ session: String) async throws -> Data {
        guard let base64 = try await callValue("GET", "/session/\(session)/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw Failure.malformed("screenshot")
        }
        return data
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
        let value = try await callValue(method, path, body)
        return value as? [String: Any] ?? [:]
    }

    /// Sends one command; WebDriver wraps every reply as `{"value": ...}` and errors as `{"value": {"error", "message"}}`.
    private func callValue(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        var request = HTTPClientRequest(url: base.absoluteString + path)
        request.method = .RAW(value: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
        let status = Int(response.status.code)
        let json = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any]
        let value = json?["value"]
        guard (200..<300).contains(status) else {
            let message = (value as? [String: Any])?["message"] as? String ?? String(decoding: data.prefix(300), as: UTF8.self)
            throw Failure.command("\(method) \(path)", status: status, message: message)
        }
        return value is NSNull ? nil : value
    }

    /// A loopback port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.notStarted("no socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure.notStarted("could not bind a loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
