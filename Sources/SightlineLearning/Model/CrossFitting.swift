import SightlineData

/// Learned scores that a weight fit may use: each query's row of (query, track) similarities comes
/// from a model trained without the query's fold (its camera, or its scene), so no row is scored by a
/// model that saw the query's descriptions or its track. Camera flows and neighbours stay those of
/// the whole set: they are learned without labels, as they are from any gallery at ranking time.
public enum LearnedCrossFitting {
    /// How the examples are split into folds.
    public enum Folds: String, Sendable, CaseIterable {
        /// One fold per camera ("S02/c006"): the weight fit's own folds.
        case camera
        /// One fold per scene ("S02"): the model never saw any camera of the query's scene.
        case scene

        public func key(of camera: String) -> String {
            switch self {
            case .camera: camera
            case .scene: String(camera.split(separator: "/").first ?? Substring(camera))
            }
        }
    }

    /// `scores[q * n + t]`: the similarity of example q's descriptions to example t's track, by the model
    /// trained without q's fold (`options`, one training run per fold). `progress(done, total, fold)` hears each fold.
    public static func scores(of set: LearningSet, folds: Folds, options: TrainingOptions,
                              progress: (Int, Int, String) -> Void = { _, _, _ in }) -> [Double] {
        let n = set.examples.count
        var out = [Double](repeating: 0, count: n * n)
        let keys = set.examples.map { folds.key(of: $0.camera) }
        let distinct = Array(Set(keys)).sorted()
        for (i, fold) in distinct.enumerated() {
            let training = LearningSet(examples: set.examples.enumerated().filter { keys[$0.offset] != fold }.map(\.element))
            guard training.examples.count >= 2 else {
                progress(i + 1, distinct.count, fold)
                continue
            }
            var run = TrainingRun(options: options,
                                  batchesPerEpoch: TrainingRun.batchCount(examples: training.examples.count, batchSize: options.batchSize))
            while run.epoch < options.epochs { run.runEpoch(on: training) }
            let similarity = LearnedSimilarity(model: run.trainer.model, hash: "")
            let tracks = similarity.embedTracks(set.examples.map(\.sequence), images: set.examples.map(\.image))
            for q in keys.indices where keys[q] == fold {
                let query = similarity.embedQuery(set.examples[q].texts)
                guard !query.isEmpty else { continue }
                for t in 0..<n {
                    out[q * n + t] = Double(zip(query, tracks[t]).reduce(Float(0)) { $0 + $1.0 * $1.1 })
                }
            }
            progress(i + 1, distinct.count, fold)
        }
        return out
    }
}
