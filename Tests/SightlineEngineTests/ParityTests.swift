import Foundation
import SightlinePixels
import SightlineTestSupport
import Testing
@testable import SightlineEngine

/// Agreement with sentence-transformers / PyTorch outputs stored by scripts/make-engine-fixtures.py.
@Suite struct ParityTests {
    @Test(.requiresModels(TestPaths.installed(.miniLM)))
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

    @Test(.requiresModels(TestPaths.installed(.efficientNetLite0)),
          .requiresShared("vehicle-crops/images"))
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

    /// The channels-last network against the channels-first one on inputs other than 224 × 224: odd, non-square
    /// and small sizes (every SAME-padding case of the stride-2 layers), Lite2's 260 × 260, 1 and 2 threads.
    @Test(.enabled(if: BLASKernels.avx512, "this CPU has no AVX-512: only the channels-first network runs here"),
          .requiresModels(TestPaths.installed(.efficientNetLite0)))
    func channelsLastMatchesChannelsFirstOnOtherSizes() throws {
        let path = try TestPaths.store.path(.efficientNetLite0)
        let first = try EfficientNetLite(checkpointPath: path, variant: .lite0, avx512: false)
        let last = try EfficientNetLite(checkpointPath: path, variant: .lite0, avx512: true)
        for (h, w) in [(37, 53), (260, 260), (9, 16), (1, 1)] {
            let image = Tensor(shape: [3, h, w], data: (0..<3 * h * w).map { Float(sin(Double($0) * 0.013)) })
            let expected = first([image], threads: ThreadConfig(threads: 1))[0]
            for threads in [1, 2] {
                let got = last([image, image], threads: ThreadConfig(threads: threads))
                for embedding in got {
                    let scale = expected.logits.map(abs).max() ?? 1
                    let worst = zip(embedding.logits, expected.logits).map { abs($0 - $1) }.max() ?? 0
                    #expect(worst / scale <= 1e-4, "\(h)×\(w), \(threads) threads: relative error \(worst / scale)")
                    let features = zip(embedding.features, expected.features).map { abs($0 - $1) }.max() ?? 0
                    #expect(features <= 1e-3 * (expected.features.max() ?? 1), "\(h)×\(w) features")
                }
            }
        }
    }
}
