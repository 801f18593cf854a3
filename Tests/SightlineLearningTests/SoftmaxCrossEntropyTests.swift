import Foundation
import SightlineData
import SightlineEngine
import Testing
@testable import SightlineLearning

@Suite struct SoftmaxCrossEntropyTests {
    @Test(arguments: [1.0, 2.5])
    func gradientMatchesFiniteDifferences(temperature: Double) {
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
