/// Tensor names of a BERT encoder checkpoint as saved by Hugging Face `BertModel`, in one place.
enum BertTensorNames {
    static let wordEmbeddings = "embeddings.word_embeddings.weight"
    static let positionEmbeddings = "embeddings.position_embeddings.weight"
    static let tokenTypeEmbeddings = "embeddings.token_type_embeddings.weight"
    static let embeddingNorm = "embeddings.LayerNorm"

    static func layer(_ i: Int) -> String { "encoder.layer.\(i)" }
    static let query = "attention.self.query"
    static let key = "attention.self.key"
    static let value = "attention.self.value"
    static let attentionOutput = "attention.output.dense"
    static let attentionNorm = "attention.output.LayerNorm"
    static let intermediate = "intermediate.dense"
    static let output = "output.dense"
    static let outputNorm = "output.LayerNorm"

    /// Present in the checkpoint but not used for mean-pooled sentence embeddings.
    static func isUnused(_ key: String) -> Bool {
        key == "embeddings.position_ids" || key.hasPrefix("pooler.")
    }
}

extension StrictWeights {
    mutating func linear(_ prefix: String, in inFeatures: Int, out outFeatures: Int) throws -> Linear {
        try linear([prefix], in: inFeatures, out: outFeatures)
    }

    /// Layers `prefixes` of one input as one `Linear` whose outputs are theirs concatenated.
    mutating func linear(_ prefixes: [String], in inFeatures: Int, out outFeatures: Int) throws -> Linear {
        Linear(weights: try prefixes.map { try take("\($0).weight", shape: [outFeatures, inFeatures]) },
               biases: try prefixes.map { try take("\($0).bias", shape: [outFeatures]) })
    }

    mutating func layerNorm(_ prefix: String, width: Int, epsilon: Float) throws -> LayerNorm {
        LayerNorm(gamma: try take("\(prefix).weight", shape: [width]).data,
                  beta: try take("\(prefix).bias", shape: [width]).data, epsilon: epsilon)
    }
}
