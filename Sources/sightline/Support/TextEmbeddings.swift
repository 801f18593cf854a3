import Foundation
import SightlineData
import SightlineEngine
import SightlineWeightFiles

/// MiniLM sentence embeddings through an optional cache file (safetensors, one tensor per sentence
/// under its digest), so that training epochs and repeated runs embed each sentence once.
struct TextEmbeddings {
    let encoder: TextEncoder
    let threads: ThreadConfig
    let cachePath: String?
    private var cache: [String: [Float]] = [:]
    private var added = false

    init(engine: EngineOptions, cachePath: String? = nil) throws {
        encoder = try TextEncoder(store: engine.store)
        threads = engine.threadConfig
        self.cachePath = cachePath
        if let cachePath, FileManager.default.fileExists(atPath: cachePath) {
            cache = try SafeTensors.load(path: cachePath).mapValues(\.data)
        }
    }

    /// Embeddings of `sentences` in order, computing only those the cache lacks.
    mutating func embed(_ sentences: [String]) -> [[Float]] {
        let missing = Array(Set(sentences.filter { cache[Self.key($0)] == nil })).sorted()
        if !missing.isEmpty {
            for (sentence, embedding) in zip(missing, encoder.embed(missing, batchSize: 32, threads: threads)) {
                cache[Self.key(sentence)] = embedding
            }
            added = true
        }
        return sentences.map { cache[Self.key($0)] ?? [] }
    }

    /// Writes the cache back when sentences were added.
    func save() throws {
        guard added, let cachePath else { return }
        let tensors = cache.mapValues { StoredTensor(shape: [$0.count], data: $0) }
        try AtomicFile.write(Data(SafeTensors.encode(tensors)), to: URL(fileURLWithPath: cachePath))
    }

    static func key(_ sentence: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in sentence.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return String(h, radix: 16) + "-\(sentence.utf8.count)"
    }
}
