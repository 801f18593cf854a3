import Foundation
import SightlineData
import SightlineEngine

/// Fits the readings of a trained model and calibrates them on cameras the heads did not see: for
/// each camera, heads fitted on the other cameras give that camera's logits; the temperature of each
/// reading minimises the negative log-likelihood of all those held-out logits. The returned heads
/// are then fitted on every camera and carry those temperatures.
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
    public var turnAgreement: (learned: Double, rules: Double, straight: Double, tracks: Int)

    public init(model: TwoTowers, set: LearningSet, seed: UInt64) {
        let similarity = LearnedSimilarity(model: model, hash: "")
        let features = similarity.pooledFeatures(set.examples.map(\.sequence))
        let width = features.shape[1]
        func rows(_ indices: [Int]) -> Tensor {
            Tensor(shape: [indices.count, width], data: indices.flatMap { features.data[($0 * width)..<($0 * width + width)] })
        }
        var heldLogits: [TrackReadings.Reading: [Float]] = [:]
        var heldLabels: [TrackReadings.Reading: [Int]] = [:]
        var turnHeld: [(learned: Int, rules: Int, label: Int)] = []
        for camera in set.cameras {
            let inside = set.examples.indices.filter { set.examples[$0].camera != camera }
            let outside = set.examples.indices.filter { set.examples[$0].camera == camera }
            guard inside.count >= 2, !outside.isEmpty else { continue }
            var heads = TrackReadings(inFeatures: width, seed: seed)
            heads.fit(features: rows(inside), labels: inside.map { set.examples[$0].labels })
            let x = rows(outside)
            for reading in TrackReadings.Reading.allCases {
                let logits = heads.logits(reading, features: x)
                let k = reading.classes
                for (r, i) in outside.enumerated() {
                    guard let label = set.examples[i].labels[reading] ?? nil else { continue }
                    heldLogits[reading, default: []] += logits.data[(r * k)..<(r * k + k)]
                    heldLabels[reading, default: []].append(label)
                    if reading == .turn {
                        let row = Array(logits.data[(r * k)..<(r * k + k)])
                        let learned = row.indices.max { row[$0] < row[$1] } ?? 0
                        let rules = switch set.examples[i].rulesTurn {
                        case .leftTurn: 1
                        case .rightTurn: 2
                        default: 0
                        }
                        turnHeld.append((learned, rules, label))
                    }
                }
            }
        }
        var readings = TrackReadings(inFeatures: width, seed: seed)
        readings.fit(features: features, labels: set.examples.map(\.labels))
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
        let n = Double(max(turnHeld.count, 1))
        turnAgreement = (Double(turnHeld.filter { $0.learned == $0.label }.count) / n,
                         Double(turnHeld.filter { $0.rules == $0.label }.count) / n,
                         Double(turnHeld.filter { $0.label == 0 }.count) / n, turnHeld.count)
        self.readings = readings
        self.figures = figures
    }
}
