import Foundation
import Hummingbird

/// The web page's files, read once from the module's `Public` resources and served from memory.
struct StaticFiles: Sendable {
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// Path ("/app.js") to file; "/" maps to index.html.
    let files: [String: File]

    static let contentTypes = [
        "html": "text/html; charset=utf-8", "js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8",
        "svg": "image/svg+xml", "png": "image/png", "ico": "image/x-icon", "json": "application/json",
    ]

    /// Reads every file of `folder` (one level); an unreadable folder gives no files rather than no server.
    init(folder: URL?) {
        var files: [String: File] = [:]
        let names = folder.flatMap { try? FileManager.default.contentsOfDirectory(atPath: $0.path) } ?? []
        for name in names where !name.hasPrefix(".") {
            guard let folder, let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            let ext = (name as NSString).pathExtension.lowercased()
            files["/" + name] = File(bytes: [UInt8](data), contentType: Self.contentTypes[ext] ?? "application/octet-stream")
        }
        if let index = files["/index.html"] { files["/"] = index }
        self.files = files
    }

    /// The bundled page.
    static let bundled = StaticFiles(folder: Bundle.module.url(forResource: "Public", withExtension: nil))

    func response(for path: String) -> Response? {
        guard let file = files[path] else { return nil }
        return Response(status: .ok, headers: [.contentType: file.contentType, .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
