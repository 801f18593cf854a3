import Foundation
import SightlineEngine
import Testing
@testable import SightlineLearning

/// The softmax cross-entropy against finite differences and against values worked by hand. The loss
/// is returned as a `Float`, whose rounding over a step of 1e-2 is up to ~6e-6 in the difference
/// quotient: against the 1e-2 floor of `relativeError` that is a few 1e-3, so the bound is 1e-2.
@Suite struct SoftmaxCrossEntropyTests {
    static let bound = 1e-2

    @Test(arguments: [0.0, 0.1])
    func gradientMatchesFiniteDifferences(smoothing: Double) {
        let logits = random([4, 5], scale: 3, seed: 71)
        let labels = [0, 3, 4, 3]
        let loss = SoftmaxCrossEntropy(labelSmoothing: smoothing)
        let result = loss(logits: logits, labels: labels)
        let numerical = numericalGradient(logits, step: 1e-2) { Double(loss(logits: $0, labels: labels).loss) }
        #expect(relativeError(result.logits.data, numerical) < Self.bound)
    }

    @Test func valuesAndProbabilities() {
        let logits = Tensor(shape: [2, 3], data: [0, 0, 0, 1000, 0, 0])
        let result = SoftmaxCrossEntropy()(logits: logits, labels: [1, 0])
        #expect(abs(Double(result.loss) - log(3) / 2) < 1e-6)
        #expect(result.probabilities.data.map { Double($0) }.enumerated().allSatisfy { i, p in
            abs(p - (i < 3 ? 1.0 / 3 : (i == 3 ? 1 : 0))) < 1e-6
        })
        #expect(abs(Double(result.logits.data[1]) - (1.0 / 3 - 1) / 2) < 1e-6)
        #expect(result.logits.data[3...].allSatisfy { abs($0) < 1e-6 })
    }

    @Test func smoothingSpreadsTheTarget() {
        let logits = Tensor(shape: [1, 4], data: [0, 0, 0, 0])
        let result = SoftmaxCrossEntropy(labelSmoothing: 0.2)(logits: logits, labels: [2])
        #expect(abs(Double(result.loss) - log(4)) < 1e-6)
        #expect(abs(Double(result.logits.data[2]) - (0.25 - 0.85)) < 1e-6)
        #expect(abs(Double(result.logits.data[0]) - (0.25 - 0.05)) < 1e-6)
    }

    @Test(arguments: [1.0, 2.5])
    func gradientMatchesFiniteDifferencesAtATemperature(temperature: Double) {
        let loss = SoftmaxCrossEntropy(temperature: temperature)
        let logits = random([5, 4], scale: 3, seed: 41), labels = [0, 3, 1, 1, 2]
        let result = loss(logits: logits, labels: labels)
        let numerical = numericalGradient(logits, step: 1e-2) { Double(loss(logits: $0, labels: labels).loss) }
        #expect(relativeError(result.logits.data, numerical) < GradientCheckTests.lossBound)
    }

    @Test func lossIsTheNegativeLogOfTheLabelsProbability() {
        let logits = Tensor(shape: [1, 3], data: [1, 2, 3])
        let result = SoftmaxCrossEntropy()(logits: logits, labels: [2])
        let p = exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0))
        #expect(abs(Double(result.loss) + log(p)) < 1e-6)
        #expect(abs(Double(result.probabilities.data[2]) - p) < 1e-6)
        let huge = SoftmaxCrossEntropy()(logits: Tensor(shape: [1, 2], data: [1e4, 0]), labels: [0])
        #expect(huge.loss.isFinite && huge.loss < 1e-6)
    }
}
