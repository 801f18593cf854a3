import Foundation
import Testing
@testable import SightlineEngine

/// Locations of the installed weights and the shared data, with skip messages.
enum TestPaths {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let store = ModelStore(root: ProcessInfo.processInfo.environment["SIGHTLINE_MODELS"] ?? repository.appendingPathComponent("models").path)
    static let shared = repository.deletingLastPathComponent().appendingPathComponent("shared/data").path
    static let sharedAbsent = !FileManager.default.fileExists(atPath: shared)
    static let modelsSkip: Comment = "weights not installed: run scripts/fetch-models.sh"
    static let sharedSkip: Comment = "../shared is absent: real CityFlow crops unavailable"

    static func installed(_ model: PretrainedModel) -> Bool { store.isInstalled(model) }

    static func fixture(_ name: String) throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sightline-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x * y); na += Double(x * x); nb += Double(y * y) }
    return dot / (na.squareRoot() * nb.squareRoot())
}
