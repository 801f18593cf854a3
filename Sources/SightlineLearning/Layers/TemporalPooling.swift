import SightlineEngine

/// Mean and max over time, concatenated: [batch × time × channels] → [batch × 2·channels]
/// (`torch.cat([x.mean(1), x.amax(1)], 1)`); the mean summarises the whole path, the max keeps
/// the strongest local event (a turn, a stop) wherever in the track it happens.
public struct TemporalPooling: Sendable {
    public init() {}

    /// The time step each maximum came from, and the input's shape.
    public struct Cache: Sendable {
        let argmax: [Int]
        let inputShape: [Int]
    }

    public func forward(_ x: Tensor) -> (output: Tensor, cache: Cache) {
        precondition(x.rank == 3 && x.shape[1] > 0, "temporal pooling input \(x.shape), expected [batch, time ≥ 1, channels]")
        let (batch, time, channels) = (x.shape[0], x.shape[1], x.shape[2])
        var y = [Float](repeating: 0, count: batch * 2 * channels)
        var argmax = [Int](repeating: 0, count: batch * channels)
        for b in 0..<batch {
            for c in 0..<channels {
                var sum: Float = 0, peak = -Float.infinity, at = 0
                for t in 0..<time {
                    let v = x.data[(b * time + t) * channels + c]
                    sum += v
                    if v > peak { peak = v; at = t }
                }
                y[b * 2 * channels + c] = sum / Float(time)
                y[b * 2 * channels + channels + c] = peak
                argmax[b * channels + c] = at
            }
        }
        return (Tensor(shape: [batch, 2 * channels], data: y), Cache(argmax: argmax, inputShape: x.shape))
    }

    /// The mean's gradient spread evenly over time, the max's routed to its time step.
    public func backward(_ gradient: Tensor, cache: Cache) -> Tensor {
        let (batch, time, channels) = (cache.inputShape[0], cache.inputShape[1], cache.inputShape[2])
        var dx = [Float](repeating: 0, count: batch * time * channels)
        for b in 0..<batch {
            for c in 0..<channels {
                let mean = gradient.data[b * 2 * channels + c] / Float(time)
                for t in 0..<time { dx[(b * time + t) * channels + c] = mean }
                dx[(b * time + cache.argmax[b * channels + c]) * channels + c] += gradient.data[b * 2 * channels + channels + c]
            }
        }
        return Tensor(shape: cache.inputShape, data: dx)
    }
}
