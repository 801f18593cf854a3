import Foundation
import SightlineData
import SightlineEngine
import SightlineLanguage
import SightlineTracks
import SightlineWeightFiles

/// What the learned track side reads from a track, as calibrated probabilities: its path (straight,
/// left or right turn), whether it stops, and whether it waits at an intersection. Small linear heads,
/// the turn's over the track's camera-free `TrackSequence.pathFeatures`, the others over the track
/// tower's pooled features, trained with softmax cross-entropy on labels the parser reads from the
/// track's descriptions, then temperature-scaled on cameras the heads were not fitted on.
public struct TrackReadings: Parameterized {
    /// The readings and their classes, in head order.
    public enum Reading: String, CaseIterable, Sendable, Codable {
        case turn, stop, waits

        public var classes: Int { self == .turn ? 3 : 2 }
    }

    public var turn: Linear
    public var stop: Linear
    public var waits: Linear
    /// One temperature per reading, in `Reading` order.
    public var temperatures: Tensor

    /// Width of `TrackSequence.pathFeatures`.
    public static var pathWidth: Int { TrackSequence.pathFeatureNames.count }

    /// Whether the head of `reading` reads the camera-free path features (the turn) rather than the
    /// track tower's pooled features (stop and waits). The pooled features carry the training
    /// cameras' geometry and the flow of a camera's other tracks, so a turn read from them does not
    /// carry to a new camera, least of all one with few tracks; the path features read the same there.
    public static func readsPath(_ reading: Reading) -> Bool { reading == .turn }

    /// Heads over `pooledFeatures` pooled features (stop, waits) and the path features (turn).
    public init(pooledFeatures: Int, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let width = { (reading: Reading) in Self.readsPath(reading) ? Self.pathWidth : pooledFeatures }
        turn = Linear(inFeatures: width(.turn), outFeatures: 3, generator: &generator)
        stop = Linear(inFeatures: width(.stop), outFeatures: 2, generator: &generator)
        waits = Linear(inFeatures: width(.waits), outFeatures: 2, generator: &generator)
        temperatures = Tensor(shape: [3], data: [1, 1, 1])
    }

    /// The columns of `inputs` [n × (pooled + path)] that the head of `reading` reads.
    public static func columns(_ reading: Reading, of inputs: Tensor) -> Tensor {
        let (n, width) = (inputs.shape[0], inputs.shape[1])
        let range = readsPath(reading) ? (width - pathWidth)..<width : 0..<(width - pathWidth)
        return Tensor(shape: [n, range.count], data: (0..<n).flatMap { i in inputs.data[(i * width + range.lowerBound)..<(i * width + range.upperBound)] })
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try turn.visitParameters(prefix + "turn.", body)
        try stop.visitParameters(prefix + "stop.", body)
        try waits.visitParameters(prefix + "waits.", body)
        try body(prefix + "temperatures", &temperatures)
    }

    func head(_ reading: Reading) -> Linear {
        switch reading {
        case .turn: turn
        case .stop: stop
        case .waits: waits
        }
    }

    /// Labels of one track from its descriptions' profile: turn 0 straight, 1 left, 2 right (nil
    /// when no path is named); stop and waits 1 when any description says so.
    public static func labels(_ profile: QueryProfile) -> [Reading: Int?] {
        let turn: Int? = switch profile.motions.saidTurn {
        case .straight: 0
        case .leftTurn: 1
        case .rightTurn: 2
        default: nil
        }
        let stops = profile.motions[.stop] > 0
        return [.turn: turn, .stop: stops ? 1 : 0, .waits: stops && profile.locations[.intersection] > 0 ? 1 : 0]
    }

    /// The labels of a track seen mirrored left to right: left and right turns swap.
    public static func mirrored(_ labels: [Reading: Int?]) -> [Reading: Int?] {
        var out = labels
        if let turn = labels[.turn] ?? nil, turn > 0 { out[.turn] = 3 - turn }
        return out
    }

    /// Logits of one reading for inputs [n × (pooled + path)], before the temperature.
    public func logits(_ reading: Reading, features: Tensor) -> Tensor { head(reading).forward(Self.columns(reading, of: features)).output }

    /// Calibrated probabilities of one reading, one row per track.
    public func probabilities(_ reading: Reading, features: Tensor) -> [[Double]] {
        let t = Double(temperatures.data[Reading.allCases.firstIndex(of: reading) ?? 0])
        let logits = self.logits(reading, features: features)
        let k = reading.classes
        return (0..<features.shape[0]).map { i in Self.softmax((0..<k).map { Double(logits.data[i * k + $0]) / t }) }
    }

    static func softmax(_ row: [Double]) -> [Double] {
        let top = row.max() ?? 0
        let e = row.map { Foundation.exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// Fits every head on inputs [n × (pooled + path)] with the labels of each track (nil rows are
    /// skipped), full batch, AdamW; the temperatures stay as they are.
    public mutating func fit(features: Tensor, labels: [[Reading: Int?]], epochs: Int = 300, learningRate: Float = 1e-2) {
        for reading in Reading.allCases {
            let rows = labels.indices.filter { labels[$0][reading] ?? nil != nil }
            guard rows.count >= 2 else { continue }
            let columns = Self.columns(reading, of: features)
            let width = columns.shape[1]
            let x = Tensor(shape: [rows.count, width], data: rows.flatMap { columns.data[($0 * width)..<($0 * width + width)] })
            let y = rows.map { (labels[$0][reading] ?? nil) ?? 0 }
            var layer = head(reading)
            var optimizer = AdamW()
            let loss = SoftmaxCrossEntropy()
            for _ in 0..<epochs {
                let (z, cache) = layer.forward(x)
                let (_, gradients) = layer.backward(loss(logits: z, labels: y).logits, cache: cache)
                optimizer.step(&layer, gradients: gradients, learningRate: learningRate)
            }
            switch reading {
            case .turn: turn = layer
            case .stop: stop = layer
            case .waits: waits = layer
            }
        }
    }

    /// The temperature minimising the held-out negative log-likelihood of `logits` [n × k] (a grid over 0.2…10).
    public static func fitTemperature(logits: Tensor, labels: [Int]) -> Double {
        var best = (t: 1.0, nll: Double.infinity)
        var t = 0.2
        while t <= 10 {
            let nll = Double(SoftmaxCrossEntropy(temperature: t)(logits: logits, labels: labels).loss)
            if nll < best.nll { best = (t, nll) }
            t *= 1.05
        }
        return best.t
    }

    /// Expected calibration error over `bins` equal-width bins of the top probability, with each bin's
    /// (confidence, accuracy, count) for a reliability diagram.
    public static func calibration(probabilities: [[Double]], labels: [Int], bins: Int = 10)
        -> (ece: Double, bins: [(confidence: Double, accuracy: Double, count: Int)]) {
        var sums = [(confidence: Double, correct: Double, count: Int)](repeating: (0, 0, 0), count: bins)
        for (p, y) in zip(probabilities, labels) {
            guard let top = p.indices.max(by: { p[$0] < p[$1] }) else { continue }
            let b = min(Int(p[top] * Double(bins)), bins - 1)
            sums[b].confidence += p[top]
            sums[b].correct += top == y ? 1 : 0
            sums[b].count += 1
        }
        let n = Double(max(labels.count, 1))
        var ece = 0.0
        let rows = sums.map { s -> (confidence: Double, accuracy: Double, count: Int) in
            guard s.count > 0 else { return (0, 0, 0) }
            let c = s.confidence / Double(s.count), a = s.correct / Double(s.count)
            ece += Double(s.count) / n * abs(c - a)
            return (c, a, s.count)
        }
        return (ece, rows)
    }
}
