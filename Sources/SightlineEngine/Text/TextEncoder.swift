import Algorithms

/// Sentence embeddings from all-MiniLM-L6-v2: tokenise, batch by length, encode, mean-pool, normalise.
public struct TextEncoder: Sendable {
    public let tokenizer: WordPieceTokenizer
    public let model: MiniLM

    /// Loads the model and vocabulary installed in `store`.
    public init(store: ModelStore = ModelStore()) throws {
        tokenizer = try WordPieceTokenizer(vocabularyPath: try store.path(.miniLM, file: 1), maxLength: 256)
        model = try MiniLM(safetensorsPath: try store.path(.miniLM, file: 0))
    }

    /// Unit-length 384-d embeddings of `texts` in input order. Texts are grouped by length into
    /// batches of `batchSize`; each batch is split across `threads` workers.
    public func embed(_ texts: [String], batchSize: Int = 32, threads: ThreadConfig = ThreadConfig()) -> [[Float]] {
        let tokens = texts.map(tokenizer.encode)
        let order = tokens.indices.sorted { tokens[$0].count < tokens[$1].count }
        let results = ResultSlots<[Float]>(count: texts.count)
        for batch in order.chunks(ofCount: max(1, batchSize)).map(Array.init) {
            let workers = min(threads.threads, batch.count)
            BLAS.setThreads(1)
            if workers < threads.threads {
                let embeddings = model.embed(tokens: batch.map { tokens[$0] }, threads: threads.threads)
                for (i, embedding) in zip(batch, embeddings) { results.set(i, embedding) }
            } else {
                let model = self.model
                Parallel.chunks(batch.count, threads: workers) { s, e in
                    let part = Array(batch[s..<e])
                    for (i, embedding) in zip(part, model.embed(tokens: part.map { tokens[$0] })) { results.set(i, embedding) }
                }
            }
        }
        return results.values
    }
}
