import SightlineData
import SightlineEngine

/// The temporal encoder of the track tower: two 1-D convolutions over the resampled trajectory, each
/// followed by GELU, then mean‖max pooling over time: [batch × time × features] → [batch × 2·channels].
///
/// Convolutions rather than a GRU or attention: the trajectory is short and its cues (a turn, a stop)
/// are local in time; a convolution runs every time step of the batch as one SGEMM in both passes,
/// where a GRU's steps depend on each other and attention's T² scores buy nothing at this length.
public struct TrajectoryEncoder: Parameterized {
    public var conv1: Conv1d
    public var conv2: Conv1d
    private let activation = GELU()
    private let pooling = TemporalPooling()

    public var outputWidth: Int { 2 * conv2.outChannels }

    public init(conv1: Conv1d, conv2: Conv1d) {
        precondition(conv1.outChannels == conv2.inChannels, "conv1 gives \(conv1.outChannels) channels, conv2 takes \(conv2.inChannels)")
        self.conv1 = conv1
        self.conv2 = conv2
    }

    public init(features: Int, channels: Int, kernel: Int, generator: inout SplitMix64) {
        self.init(conv1: Conv1d(inChannels: features, outChannels: channels, kernel: kernel, generator: &generator),
                  conv2: Conv1d(inChannels: channels, outChannels: channels, kernel: kernel, generator: &generator))
    }

    public struct Cache: Sendable {
        let conv1: Conv1d.Cache, activation1: GELU.Cache
        let conv2: Conv1d.Cache, activation2: GELU.Cache
        let pooling: TemporalPooling.Cache
    }

    public struct Gradients: Parameterized {
        public var conv1: Conv1d.Gradients
        public var conv2: Conv1d.Gradients

        public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
            try conv1.visitParameters(prefix + "conv1.", body)
            try conv2.visitParameters(prefix + "conv2.", body)
        }
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try conv1.visitParameters(prefix + "conv1.", body)
        try conv2.visitParameters(prefix + "conv2.", body)
    }

    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        let (h1, c1) = conv1.forward(x)
        let (a1, g1) = activation.forward(h1)
        let (h2, c2) = conv2.forward(a1)
        let (a2, g2) = activation.forward(h2)
        let (y, p) = pooling.forward(a2)
        return (y, Cache(conv1: c1, activation1: g1, conv2: c2, activation2: g2, pooling: p))
    }

    /// The encoding alone, for inference.
    public func callAsFunction(_ x: Tensor) -> Tensor { forward(x).output }

    public func backward(_ gradient: Tensor, cache: Cache) -> (input: Tensor, parameters: Gradients) {
        let da2 = pooling.backward(gradient, cache: cache.pooling)
        let (da1, g2) = conv2.backward(activation.backward(da2, cache: cache.activation2), cache: cache.conv2)
        let (dx, g1) = conv1.backward(activation.backward(da1, cache: cache.activation1), cache: cache.conv1)
        return (dx, Gradients(conv1: g1, conv2: g2))
    }
}
