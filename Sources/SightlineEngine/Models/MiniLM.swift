import Foundation
import SightlineWeightFiles

/// Hyper-parameters of a BERT encoder; the defaults are all-MiniLM-L6-v2's `config.json`.
public struct BertConfiguration: Sendable, Equatable {
    public var hiddenSize = 384
    public var layers = 6
    public var heads = 12
    public var intermediateSize = 1536
    public var vocabularySize = 30522
    public var maxPositions = 512
    public var typeVocabularySize = 2
    public var layerNormEpsilon: Float = 1e-12

    public init() {}
}

/// One Transformer encoder layer as in BERT (Vaswani et al., 2017; Devlin et al., 2019):
/// multi-head self-attention and a GELU feed-forward block, each with a residual and post-LayerNorm.
struct BertLayer: Sendable {
    /// Query, key and value projections as one layer: outputs [query | key | value].
    let queryKeyValue: Linear
    let attentionOutput: Linear
    let attentionNorm: LayerNorm
    let intermediate: Linear
    let output: Linear
    let outputNorm: LayerNorm
    let heads: Int

    init(weights: inout StrictWeights, index: Int, configuration c: BertConfiguration) throws {
        let p = BertTensorNames.layer(index)
        queryKeyValue = try weights.linear([BertTensorNames.query, BertTensorNames.key, BertTensorNames.value].map { "\(p).\($0)" },
                                           in: c.hiddenSize, out: c.hiddenSize)
        attentionOutput = try weights.linear("\(p).\(BertTensorNames.attentionOutput)", in: c.hiddenSize, out: c.hiddenSize)
        attentionNorm = try weights.layerNorm("\(p).\(BertTensorNames.attentionNorm)", width: c.hiddenSize, epsilon: c.layerNormEpsilon)
        intermediate = try weights.linear("\(p).\(BertTensorNames.intermediate)", in: c.hiddenSize, out: c.intermediateSize)
        output = try weights.linear("\(p).\(BertTensorNames.output)", in: c.intermediateSize, out: c.hiddenSize)
        outputNorm = try weights.layerNorm("\(p).\(BertTensorNames.outputNorm)", width: c.hiddenSize, epsilon: c.layerNormEpsilon)
        heads = c.heads
    }

    /// Updates `w.hidden` in place: the sentences' tokens packed one after another, sentence `b` in rows
    /// `starts[b]..<starts[b] + lengths[b]`, without padding; attention runs within each sentence.
    func callAsFunction(_ w: BertWorkspace, starts: [Int], lengths: [Int], threads: Int) {
        let rows = (starts.last ?? 0) + (lengths.last ?? 0)
        let hidden = attentionOutput.outFeatures
        let stride = queryKeyValue.outFeatures
        let headSize = hidden / heads
        let longest = w.longest
        queryKeyValue(w.hidden, rows: rows, into: w.queryKeyValue, threads: threads, scratch: w.scratch)
        let scale = 1 / Float(headSize).squareRoot()
        let heads = self.heads
        let queries = SendablePointer(w.queryKeyValue)
        let (context, scores) = (SendablePointer(w.context), SendablePointer(w.scores))
        Parallel.chunks(lengths.count * heads, threads: threads) { start, end in
            for job in start..<end {
                let (b, h) = job.quotientAndRemainder(dividingBy: heads)
                let length = lengths[b]
                let query = queries.base + starts[b] * stride + h * headSize
                let score = scores.base + job * longest * longest
                // [length × headSize] · [length × headSize]ᵀ -> [length × length]
                BLAS.gemmTransposedB(m: length, n: length, k: headSize, alpha: scale,
                                     a: query, lda: stride, b: query + hidden, ldb: stride,
                                     c: score, ldc: length)
                Activation.softmaxRows(score, rows: length, cols: length, stride: length)
                // [length × length] · [length × headSize] -> [length × headSize]
                BLAS.gemm(m: length, n: headSize, k: length, a: score, lda: length,
                          b: query + 2 * hidden, ldb: stride,
                          c: context.base + starts[b] * hidden + h * headSize, ldc: hidden)
            }
        }
        attentionOutput(w.context, rows: rows, into: w.hidden, threads: threads, epilogue: .accumulate, scratch: w.scratch)
        attentionNorm(w.hidden, rows: rows)
        intermediate(w.hidden, rows: rows, into: w.intermediate, threads: threads, epilogue: .gelu, scratch: w.scratch)
        output(w.intermediate, rows: rows, into: w.hidden, threads: threads, epilogue: .accumulate, scratch: w.scratch)
        outputNorm(w.hidden, rows: rows)
    }
}

/// Preallocated activations for one forward pass of `rows` packed tokens from `sentences` sentences of at most
/// `longest` tokens each.
final class BertWorkspace {
    let hidden, queryKeyValue, context, intermediate, scores, scratch: UnsafeMutablePointer<Float>
    let longest: Int

    init(rows: Int, sentences: Int, longest: Int, configuration c: BertConfiguration) {
        self.longest = longest
        hidden = .allocate(capacity: rows * c.hiddenSize)
        queryKeyValue = .allocate(capacity: rows * 3 * c.hiddenSize)
        context = .allocate(capacity: rows * c.hiddenSize)
        intermediate = .allocate(capacity: rows * c.intermediateSize)
        scores = .allocate(capacity: sentences * c.heads * longest * longest)
        scratch = .allocate(capacity: min(rows, Linear.maxPanelRows) * max(c.hiddenSize, c.intermediateSize))
    }

    deinit {
        for p in [hidden, queryKeyValue, context, intermediate, scores, scratch] { p.deallocate() }
    }
}

/// A BERT encoder with sentence-transformers' mean pooling and L2 normalisation
/// (Reimers & Gurevych, 2019), the architecture of all-MiniLM-L6-v2 (Wang et al., 2020, MiniLM).
public struct MiniLM: Sendable {
    public let configuration: BertConfiguration
    let wordEmbeddings: [Float]
    let positionEmbeddings: [Float]
    let tokenTypeEmbeddings: [Float]
    let embeddingNorm: LayerNorm
    let layers: [BertLayer]

    /// Loads `model.safetensors` strictly: a missing, extra or misshapen tensor throws.
    public init(safetensorsPath: String, configuration: BertConfiguration = BertConfiguration()) throws {
        let c = configuration
        var weights = StrictWeights(try SafeTensors.load(path: safetensorsPath).mapValues(Tensor.init), path: safetensorsPath)
        wordEmbeddings = try weights.take(BertTensorNames.wordEmbeddings, shape: [c.vocabularySize, c.hiddenSize]).data
        positionEmbeddings = try weights.take(BertTensorNames.positionEmbeddings, shape: [c.maxPositions, c.hiddenSize]).data
        tokenTypeEmbeddings = try weights.take(BertTensorNames.tokenTypeEmbeddings, shape: [c.typeVocabularySize, c.hiddenSize]).data
        embeddingNorm = try weights.layerNorm(BertTensorNames.embeddingNorm, width: c.hiddenSize, epsilon: c.layerNormEpsilon)
        layers = try (0..<c.layers).map { try BertLayer(weights: &weights, index: $0, configuration: c) }
        try weights.finish(unused: BertTensorNames.isUnused)
        self.configuration = c
    }

    /// Mean-pooled, L2-normalised embeddings [batch][hidden] of already tokenised sequences, run as one batch.
    ///
    /// The sentences' tokens are packed without padding: the token-wise layers (projections, feed-forward,
    /// norms) run over real tokens only, and attention within each sentence, which gives what a padded batch
    /// with an attention mask gives at a fraction of the work when lengths differ.
    func embed(tokens: [[Int32]], threads: Int = 1) -> [[Float]] {
        let c = configuration
        let batch = tokens.count
        guard batch > 0 else { return [] }
        let lengths = tokens.map { min($0.count, c.maxPositions) }
        var starts = [Int](repeating: 0, count: batch)
        for b in 1..<max(batch, 1) { starts[b] = starts[b - 1] + lengths[b - 1] }
        let rows = starts[batch - 1] + lengths[batch - 1]
        let workspace = BertWorkspace(rows: rows, sentences: batch, longest: lengths.max() ?? 1, configuration: c)
        let hidden = c.hiddenSize
        wordEmbeddings.withUnsafeBufferPointer { word in
            positionEmbeddings.withUnsafeBufferPointer { position in
                tokenTypeEmbeddings.withUnsafeBufferPointer { type in
                    for b in 0..<batch {
                        for t in 0..<lengths[b] {
                            let row = workspace.hidden + (starts[b] + t) * hidden
                            let wordRow = min(max(Int(tokens[b][t]), 0), c.vocabularySize - 1) * hidden
                            for i in 0..<hidden { row[i] = word[wordRow + i] + position[t * hidden + i] + type[i] }
                        }
                    }
                }
            }
        }
        embeddingNorm(workspace.hidden, rows: rows)
        for layer in layers { layer(workspace, starts: starts, lengths: lengths, threads: threads) }
        return (0..<batch).map { b in
            var pooled = [Float](repeating: 0, count: hidden)
            for t in 0..<lengths[b] {
                let row = workspace.hidden + (starts[b] + t) * hidden
                for i in 0..<hidden { pooled[i] += row[i] }
            }
            let inverse = 1 / Float(max(lengths[b], 1))
            var norm: Float = 0
            for i in 0..<hidden { pooled[i] *= inverse; norm += pooled[i] * pooled[i] }
            let scale = 1 / max(norm.squareRoot(), 1e-12)
            return pooled.map { $0 * scale }
        }
    }
}
