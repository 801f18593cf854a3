import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineEngine

/// The installed weights and the shared data, for the tests of this target.
enum TestPaths {
    static let store = ModelStore(root: TestData.modelsFolder.path)
    static let shared = TestData.sharedFolder.path
    static let modelsSkip: Comment = "weights not installed: run scripts/fetch-models.sh"
    /// One folder for the run's `temporaryFile`s, whose callers keep only paths.
    static let scratch = TemporaryDirectory(prefix: "sightline-engine")

    static func installed(_ model: PretrainedModel) -> Bool { store.isInstalled(model) }

    static func fixture(_ name: String) throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    }

    static func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
        try scratch.write("\(UUID().uuidString)-\(name)", bytes: bytes).path
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for (x, y) in zip(a, b) { dot += Double(x * y); na += Double(x * x); nb += Double(y * y) }
    return dot / (na.squareRoot() * nb.squareRoot())
}
