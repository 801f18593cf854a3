import Foundation
@testable import SightlineAppearance
import SightlineData
import SightlineEngine
import SightlineTestSupport
import Testing

struct TypeHeadTests {
    /// A head on 2-d features whose class c fires on feature 0 times (c == 1 ? 10 : 0).
    static func pickupHead() throws -> TypeHead {
        var weight = [Float](repeating: 0, count: 12)
        weight[2] = 10
        return try TypeHead(weight: weight, bias: [0, 0, 0, 0, 0, 0], variant: .lite2)
    }

    @Test func probabilitiesAreTheSoftmaxOfTheLogits() throws {
        let p = try Self.pickupHead().probabilities([1, 0])
        #expect(p.mostLikely == .pickup)
        #expect(abs(p.values.reduce(0, +) - 1) < 1e-12)
        #expect(abs((p[.pickup] ?? 0) - exp(10) / (exp(10) + 5)) < 1e-9)
        #expect(try Self.pickupHead().probabilities([1, 0, 0]).isEmpty)
    }

    @Test func aHeadNeedsSixClasses() {
        #expect(throws: TypeHeadError.self) { try TypeHead(weight: [1, 2, 3], bias: [0, 0, 0], variant: .lite2) }
    }

    @Test func theShippedHeadReadsLite2Features() throws {
        let head = try TypeHead.bundled()
        #expect(head.variant == .lite2)
        #expect(head.featureCount == 1280)
        #expect(head.version.hasPrefix("type-head-v1 lite2 "))
    }

    @Test func theHeadsClassesMapOntoBodyTypes() {
        var namer = BodyTypeNamer()
        namer.weights = TypeWeights([:])
        let pickup = namer.distribution(TypeEvidence(classes: [.pickup: 0.7, .juggernaut: 0.2, .bike: 0.1]))
        #expect(abs((pickup[.pickup] ?? 0) - 0.7 / 0.9) < 1e-9)
        #expect(abs((pickup[.truck] ?? 0) - 0.2 / 0.9) < 1e-9)
        let car = namer.distribution(TypeEvidence(classes: [.car: 1]))
        #expect(car.mostLikely == .sedan)
        #expect(Set(car.keys).isSubset(of: BodyTypeNamer.carTypes))
        let suv = namer.distribution(TypeEvidence(classes: [.car: 1], imageNet: [.suv: 0.9, .pickup: 0.1]))
        #expect(suv.mostLikely == .suv)
        #expect((suv[.pickup] ?? 0) < 1e-6)
        #expect(namer.distribution(TypeEvidence(classes: [.bike: 1])).isEmpty)
    }

    @Test func withoutAHeadImageNetDecides() {
        var namer = BodyTypeNamer()
        namer.weights = TypeWeights([:])
        let d = namer.distribution(TypeEvidence(imageNet: [.van: 0.25, .sedan: 0.75]))
        #expect(d == [.van: 0.25, .sedan: 0.75])
    }

    /// The head weighs ImageNet's types by its classes; it leaves the split among car-like types to ImageNet.
    @Test func theHeadWeighsImageNetsTypesAndLeavesTheCarSplitToIt() throws {
        var namer = BodyTypeNamer()
        namer.weights = TypeWeights([:])
        let imageNet: [BodyType: Double] = [.sedan: 0.3, .suv: 0.5, .pickup: 0.2]
        let pickup = namer.distribution(TypeEvidence(classes: [.car: 0.1, .pickup: 0.9], imageNet: imageNet))
        #expect(pickup.mostLikely == .pickup)
        let car = namer.distribution(TypeEvidence(classes: [.car: 0.9, .pickup: 0.1], imageNet: imageNet))
        #expect(car.mostLikely == .suv)
        let sedan = try #require(car[.sedan]), suv = try #require(car[.suv])
        #expect(abs(sedan / suv - 0.6) < 1e-9)
    }

    /// A tall box against its camera's traffic (a front view) no longer turns an SUV into a van.
    @Test func tallnessDoesNotMakeAVan() {
        var namer = BodyTypeNamer()
        namer.weights = TypeWeights([:])
        let d = namer.distribution(TypeEvidence(imageNet: [.suv: 0.6, .van: 0.4], sizeRatio: 1, tallnessRatio: 4))
        #expect(d.mostLikely == .suv)
    }

    @Test func typeWeightsFitAndLeaveOneOutUseOnlyTheOtherSamples() {
        let leansSedan: [BodyType: Double] = [.sedan: 0.6, .suv: 0.4], sedan: [BodyType: Double] = [.sedan: 0.9, .suv: 0.1]
        let samples: [(distribution: [BodyType: Double], accepted: Set<BodyType>)] =
            [(leansSedan, [.suv]), (leansSedan, [.suv]), (leansSedan, [.suv]), (sedan, [.sedan]), (sedan, [.sedan])]
        let fitted = TypeWeights.fit(samples)
        #expect(samples.allSatisfy { fitted.name($0.distribution).map($0.accepted.contains) == true })
        #expect(TypeWeights.leaveOneOut(samples) == [.suv, .suv, .suv, .sedan, .sedan])
        // each sample is named by the fit to the other one, never by a fit that saw it
        let lone: [(distribution: [BodyType: Double], accepted: Set<BodyType>)] = [(leansSedan, [.suv]), (leansSedan, [.sedan])]
        #expect(TypeWeights.leaveOneOut(lone) == [.sedan, .suv])
    }

    @Test func aLargeBoxAndTheDetectorsClassWeighTheTypes() {
        var namer = BodyTypeNamer()
        namer.weights = TypeWeights([:])
        let minibus = TypeEvidence(classes: [.minibus: 1])
        #expect(namer.distribution(minibus).mostLikely == .van)
        var big = minibus
        big.sizeRatio = 4
        #expect(namer.distribution(big).mostLikely == .bus)
        var detected = TypeEvidence(classes: [.car: 0.5, .truck: 0.5])
        detected.detected = .car
        let d = namer.distribution(detected)
        #expect((d[.truck] ?? 1) < 0.5 * 0.2 / (0.5 * 0.2 + 0.5) + 1e-9)
    }

    @Test func geometryIsAgainstTheSameCamerasTracks() throws {
        func track(_ id: String, camera: String, w: Double, h: Double) throws -> Track {
            let frame = try #require(FrameRef(path: "S01/\(camera)/img1/000001.jpg"))
            return Track(id: id, frames: [frame], boxes: [Box(x: 0, y: 0, w: w, h: h)])
        }
        let g = BoxGeometry.of([try track("a", camera: "c001", w: 100, h: 50), try track("b", camera: "c001", w: 100, h: 50),
                                try track("big", camera: "c001", w: 200, h: 200), try track("c", camera: "c002", w: 10, h: 10)])
        #expect(g["big"] == BoxGeometry(sizeRatio: 8, tallnessRatio: 2))
        #expect(g["a"] == BoxGeometry(sizeRatio: 1, tallnessRatio: 1))
        #expect(g["c"] == BoxGeometry(sizeRatio: 1, tallnessRatio: 1))
    }

    /// Six clusters in 8 dimensions, 40 samples each, offset from a common mean so standardising matters.
    static func clusters(seed: UInt64) -> [TypeHeadTraining.Sample] {
        var generator = SplitMix64(seed: seed)
        return (0..<240).map { i in
            let label = i % 6
            let features = (0..<8).map { k -> Float in
                let noise = Float(generator.next() >> 40) * 0x1p-24 - 0.5
                return 5 + (k == label ? 1 : 0) + 0.3 * noise
            }
            return TypeHeadTraining.Sample(features: features, label: label)
        }
    }

    @Test func theSplitKeepsEveryClassInProportionAndIsSeeded() {
        let samples = Self.clusters(seed: 3)
        let split = TypeHeadTraining.split(samples, seed: 9)
        #expect(split.train.count == 168 && split.validation.count == 36 && split.test.count == 36)
        for label in 0..<6 { #expect(split.test.filter { $0.label == label }.count == 6) }
        let again = TypeHeadTraining.split(samples, seed: 9)
        #expect(again.test.map(\.features) == split.test.map(\.features))
        let train = Set(split.train.map(\.features)), test = Set(split.test.map(\.features))
        #expect(train.isDisjoint(with: test))
        #expect(TypeHeadTraining.split(samples, seed: 10).test.map(\.features) != split.test.map(\.features))
    }

    /// Trained on standardised features, the folded head classifies the raw ones.
    @Test func trainingLearnsSeparableClasses() throws {
        let split = TypeHeadTraining.split(Self.clusters(seed: 4), seed: 5)
        let settings = TypeHeadTraining.Settings(epochs: 40, learningRate: 1e-2)
        let (weight, bias) = TypeHeadTraining.train(split.train, classes: 6, settings: settings, seed: 6)
        let head = try TypeHead(weight: weight, bias: bias, variant: .lite2)
        #expect(TypeHeadTraining.accuracy(head, split.test) > 0.95)
        let untrained = try TypeHead(weight: [Float](repeating: 0, count: 48), bias: [Float](repeating: 0, count: 6), variant: .lite2)
        #expect(TypeHeadTraining.accuracy(untrained, split.test) < 0.5)
    }
}
