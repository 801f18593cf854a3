import Foundation
import SightlineRanking

/// The `meta` table: one text value per key.
extension IndexSession {
    func meta(_ key: String) async throws -> String? {
        try await rows("SELECT key, value FROM meta WHERE key = \(key)").first.flatMap { try $0.record(in: "meta", key: "key").optionalText("value") }
    }

    func setMeta(_ key: String, _ value: String) async throws {
        try await upsert(into: "meta", key: "key", columns: ["key", "value"], values: [[.text(key), .text(value)]])
    }

    /// A counter of `meta` (`generation`, `add_calls`); 0 while it has no row.
    func counter(_ key: String) async throws -> Int64 {
        try await rows("SELECT key, value FROM meta WHERE key = \(key)").first.map { try $0.record(in: "meta", key: "key").integerText("value") } ?? 0
    }

    /// Refuses an index whose stored vectors are of another layout; `claim` records this layout in a new one.
    func checkFeatures(_ layout: FeatureLayout, location: String, claim: Bool) async throws {
        if let stored = try await meta(MetaKey.features) {
            guard stored == layout.version else {
                throw IndexError.versionMismatch(index: location, what: "features", stored: stored, current: layout.version)
            }
        } else if claim {
            try await setMeta(MetaKey.features, layout.version)
        }
    }
}
