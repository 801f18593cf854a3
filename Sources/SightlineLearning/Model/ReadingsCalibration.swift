import Foundation
import SightlineData
import SightlineEngine

/// Fits the readings of a trained model and calibrates them on cameras the heads did not see. Heads
/// are fitted on each track and on its mirror image (left and right turns swapped, as the
/// descriptions would mirror); for each camera, heads fitted on the other cameras give that
/// camera's logits; the temperature of each reading minimises the negative log-likelihood of all
/// those held-out logits. The returned heads are then fitted on every camera and carry those temperatures.
public struct ReadingsCalibration: Sendable {
    /// Held-out figures of one reading, before and after temperature scaling.
    public struct Figures: Sendable, Codable {
        public var reading: String
        public var tracks: Int
        public var temperature: Double
        public var eceBefore: Double
        public var eceAfter: Double
        /// Share of tracks whose most likely class is their label.
        public var accuracy: Double
        /// Reliability diagram after scaling: (confidence, accuracy, count) per bin.
        public var reliability: [[Double]]
    }

    public var readings: TrackReadings
    public var figures: [Figures]
    /// Turn agreement with the descriptions on held-out cameras: learned, rules, always straight.
    public var turnAgreement: TurnAgreement

    public init(model: TwoTowers, set: LearningSet, seed: UInt64) {
        let similarity = LearnedSimilarity(model: model, hash: "")
        let sequences = set.examples.map(\.sequence)
        let features = similarity.readingInputs(sequences)
        let mirrored = similarity.readingInputs(sequences, mirrored: true)
        let width = features.shape[1], pooledWidth = model.trajectory.outputWidth
        func rows(_ indices: [Int]) -> Tensor {
            Tensor(shape: [indices.count, width], data: indices.flatMap { features.data[($0 * width)..<($0 * width + width)] })
        }
        func fitted(_ indices: [Int]) -> TrackReadings {
            var heads = TrackReadings(pooledFeatures: pooledWidth, seed: seed)
            let x = Tensor(shape: [2 * indices.count, width],
                           data: rows(indices).data + indices.flatMap { mirrored.data[($0 * width)..<($0 * width + width)] })
            let labels = indices.map { set.examples[$0].labels }
            heads.fit(features: x, labels: labels + labels.map(TrackReadings.mirrored))
            return heads
        }
        var heldLogits: [TrackReadings.Reading: [Float]] = [:]
        var heldLabels: [TrackReadings.Reading: [Int]] = [:]
        var heldRules: [Int] = []
        for camera in set.cameras {
            let inside = set.examples.indices.filter { set.examples[$0].camera != camera }
            let outside = set.examples.indices.filter { set.examples[$0].camera == camera }
            guard inside.count >= 2, !outside.isEmpty else { continue }
            let heads = fitted(inside)
            let x = rows(outside)
            for reading in TrackReadings.Reading.allCases {
                let logits = heads.logits(reading, features: x)
                let k = reading.classes
                for (r, i) in outside.enumerated() {
                    guard let label = set.examples[i].labels[reading] ?? nil else { continue }
                    heldLogits[reading, default: []] += logits.data[(r * k)..<(r * k + k)]
                    heldLabels[reading, default: []].append(label)
                    if reading == .turn { heldRules.append(TurnAgreement.path(set.examples[i].rulesTurn)) }
                }
            }
        }
        var readings = fitted(Array(set.examples.indices))
        var figures: [Figures] = []
        for (index, reading) in TrackReadings.Reading.allCases.enumerated() {
            let labels = heldLabels[reading] ?? []
            guard !labels.isEmpty else { continue }
            let k = reading.classes
            let logits = Tensor(shape: [labels.count, k], data: heldLogits[reading] ?? [])
            let t = TrackReadings.fitTemperature(logits: logits, labels: labels)
            readings.temperatures.data[index] = Float(t)
            func probabilities(_ t: Double) -> [[Double]] {
                (0..<labels.count).map { i in TrackReadings.softmax((0..<k).map { Double(logits.data[i * k + $0]) / t }) }
            }
            let before = TrackReadings.calibration(probabilities: probabilities(1), labels: labels)
            let after = TrackReadings.calibration(probabilities: probabilities(t), labels: labels)
            let correct = zip(probabilities(t), labels).filter { p, y in p.indices.max { p[$0] < p[$1] } == y }.count
            figures.append(Figures(reading: reading.rawValue, tracks: labels.count, temperature: t, eceBefore: before.ece,
                                   eceAfter: after.ece, accuracy: Double(correct) / Double(labels.count),
                                   reliability: after.bins.map { [$0.confidence, $0.accuracy, Double($0.count)] }))
        }
        let turnLabels = heldLabels[.turn] ?? []
        let turnLogits = Tensor(shape: [turnLabels.count, 3], data: heldLogits[.turn] ?? [])
        let t = Double(readings.temperatures.data[0])
        turnAgreement = TurnAgreement(probabilities: (0..<turnLabels.count).map { i in TrackReadings.softmax((0..<3).map { Double(turnLogits.data[i * 3 + $0]) / t }) },
                                      rules: heldRules, labels: turnLabels)
        self.readings = readings
        self.figures = figures
    }
}

/// How often the learned turn reading's most likely path matches the path the descriptions name,
/// beside the rules' path and always answering straight, and the reading's expected calibration error.
public struct TurnAgreement: Sendable, Codable, Equatable {
    /// Tracks whose descriptions name a path.
    public var tracks: Int
    public var learned: Double
    public var rules: Double
    public var straight: Double
    /// ECE of the learned reading's top probability (10 bins).
    public var ece: Double

    /// `probabilities` (straight, left, right), `rules` and `labels` (0 straight, 1 left, 2 right) row for row.
    public init(probabilities: [[Double]], rules: [Int], labels: [Int]) {
        let n = Double(max(labels.count, 1))
        let top = probabilities.map { p in p.indices.max { p[$0] < p[$1] } ?? 0 }
        tracks = labels.count
        learned = Double(zip(top, labels).filter { $0 == $1 }.count) / n
        self.rules = Double(zip(rules, labels).filter { $0 == $1 }.count) / n
        straight = Double(labels.filter { $0 == 0 }.count) / n
        ece = TrackReadings.calibration(probabilities: probabilities, labels: labels).ece
    }

    /// The agreement of `similarity`'s calibrated turn reading on the examples whose descriptions name a path.
    public init(similarity: LearnedSimilarity, examples: [LearningExample]) {
        let named = examples.filter { ($0.labels[.turn] ?? nil) != nil }
        let p = similarity.probabilities(named.map(\.sequence))
        self.init(probabilities: p.map { [$0.straight, $0.left, $0.right] }, rules: named.map { Self.path($0.rulesTurn) },
                  labels: named.map { ($0.labels[.turn] ?? nil) ?? 0 })
    }

    /// The turn label of a path class: 0 straight, 1 left, 2 right.
    static func path(_ motion: Motion) -> Int {
        switch motion {
        case .leftTurn: 1
        case .rightTurn: 2
        default: 0
        }
    }

    /// One line: tracks, agreement of the learned reading, the rules and always straight, and the ECE.
    public var summary: String {
        String(format: "%d tracks: learned %.1f%%, rules %.1f%%, always straight %.1f%%; learned ECE %.3f",
               tracks, 100 * learned, 100 * rules, 100 * straight, ece)
    }
}
