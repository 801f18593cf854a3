import Foundation
import SightlinePixels
import Testing
@testable import SightlineEngine

/// Agreement with sentence-transformers / PyTorch outputs stored by scripts/make-engine-fixtures.py.
@Suite struct ParityTests {
    @Test(.enabled(if: TestPaths.installed(.miniLM), TestPaths.modelsSkip))
    func miniLMMatchesSentenceTransformers() throws {
        let fixture = try TestPaths.fixture("minilm")
        let texts = fixture["texts"] as? [String] ?? []
        let expected = (fixture["embeddings"] as? [[Double]] ?? []).map { $0.map(Float.init) }
        #expect(texts.count >= 20 && texts.count == expected.count)
        let encoder = try TextEncoder(store: TestPaths.store)
        for (batchSize, threads) in [(1, 1), (32, 2), (5, 2)] {
            let embeddings = encoder.embed(texts, batchSize: batchSize, threads: ThreadConfig(threads: threads))
            #expect(embeddings.count == texts.count)
            for (i, (got, want)) in zip(embeddings, expected).enumerated() {
                #expect(cosine(got, want) >= 0.9999, "sentence \(i) batch \(batchSize)")
            }
        }
    }

    @Test(.enabled(if: TestPaths.installed(.efficientNetLite0), TestPaths.modelsSkip),
          .enabled(if: !TestPaths.sharedAbsent, TestPaths.sharedSkip))
    func efficientNetLite0MatchesPyTorch() throws {
        let fixture = try TestPaths.fixture("efficientnet-lite0")
        let names = fixture["images"] as? [String] ?? []
        let expected = (fixture["logits"] as? [[Double]] ?? []).map { $0.map(Float.init) }
        #expect(names.count >= 5 && names.count == expected.count)
        let path = try TestPaths.store.path(.efficientNetLite0)
        let models = try ([false] + (BLASKernels.avx512 ? [true] : [])).map {
            try EfficientNetLite(checkpointPath: path, variant: .lite0, avx512: $0)
        }
        let model = models[0]
        let inputs = try names.map { name in
            let path = "\(TestPaths.shared)/vehicle-crops/images/\(name)"
            let image = try ImageDecoder.decode(path: path).resizedBilinear(width: 224, height: 224)
            return model.preprocess(rgb: image.pixels, width: 224, height: 224)
        }
        for (model, threads) in models.flatMap({ m in [1, 2].map { (m, $0) } }) {
            let outputs = model(inputs, threads: ThreadConfig(threads: threads))
            let layout = if case .channelsLast = model.network { "channels-last" } else { "channels-first" }
            for (i, (got, want)) in zip(outputs, expected).enumerated() {
                let scale = want.map(abs).max() ?? 1
                let worst = zip(got.logits, want).map { abs($0 - $1) }.max() ?? 0
                #expect(worst / scale <= 1e-3, "image \(names[i]) \(layout) \(threads) threads: relative error \(worst / scale)")
                let top = { (l: [Float]) in Array(l.indices.sorted { l[$0] > l[$1] }.prefix(5)) }
                #expect(top(got.logits) == top(want), "image \(names[i]) top-5")
            }
        }
    }
}
