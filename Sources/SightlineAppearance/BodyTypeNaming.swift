import Foundation
import SightlineData
import SightlineTracks

/// What is known of one vehicle's body type, from its crops and its boxes.
public struct TypeEvidence: Sendable, Equatable {
    /// The type head's class probabilities; empty without a head.
    public var classes: [VehicleClass: Double]
    /// The body types ImageNet's vehicle classes point to (`ImageNetBodyTypes`); empty when no vehicle class fired.
    public var imageNet: [BodyType: Double]
    /// The vehicle's typical box area over its camera's typical vehicle's (`TrackAnalysis.sizeRatio`); nil for a lone crop.
    public var sizeRatio: Double?
    /// Its typical box height/width over its camera's typical vehicle's: taller than the traffic around it; nil for a lone crop.
    public var tallnessRatio: Double?
    /// The class a detector gave the vehicle, when the footage path ran one.
    public var detected: DetectedClass?

    public init(classes: [VehicleClass: Double] = [:], imageNet: [BodyType: Double] = [:], sizeRatio: Double? = nil,
                tallnessRatio: Double? = nil, detected: DetectedClass? = nil) {
        self.classes = classes
        self.imageNet = imageNet
        self.sizeRatio = sizeRatio
        self.tallnessRatio = tallnessRatio
        self.detected = detected
    }

    /// The mean of several crops' evidence (classes and ImageNet types averaged; geometry and detector class of the first).
    public static func average(_ crops: [TypeEvidence]) -> TypeEvidence {
        TypeEvidence(classes: TrackAppearance.average(crops.map(\.classes)), imageNet: TrackAppearance.average(crops.map(\.imageNet)),
                     sizeRatio: crops.first?.sizeRatio, tallnessRatio: crops.first?.tallnessRatio, detected: crops.first?.detected)
    }
}

/// Turns `TypeEvidence` into a distribution over the parser's `BodyType`s.
///
/// ImageNet's distribution (`ImageNetBodyTypes`) is the base. A type head, when there, weighs each
/// type by its class probability to the power `headExponent` (a product of experts): pickup by
/// pickup, truck by truck and juggernaut, van and bus by minibus, and every car-like type (sedan,
/// SUV, hatchback, minivan, wagon, coupe) by car alone, since the head (like the vehicle-types set,
/// whose `car` holds them all) cannot tell them apart: that split stays ImageNet's. Without ImageNet
/// evidence the head's classes are spread by `carPrior` and `minibusSplit`. Then each type is
/// multiplied by `weights` (fitted on labelled crops, `TypeWeights`), a box much larger than its
/// camera's typical vehicle weighs bus and truck up (a size ratio r, clamped to 1/4...4, multiplies
/// type b by r^`sizeExponent[b]`), and a detector class multiplies the types it does not admit by
/// `detectorVeto`. Box tallness is recorded but not used: hand-set powers on it named front views
/// "van", and no labelled set has the camera context to fit them on.
public struct BodyTypeNamer: Sendable {
    /// How car-like types split when nothing else tells them apart: roughly CityFlow-NL's shares of them in descriptions.
    public var carPrior: [BodyType: Double] = [.sedan: 0.45, .suv: 0.33, .hatchback: 0.07, .minivan: 0.07, .wagon: 0.04, .coupe: 0.04]
    /// How a minibus-like crop splits.
    public var minibusSplit: [BodyType: Double] = [.van: 0.6, .bus: 0.25, .minivan: 0.15]
    /// The power of the head's class probability in the product with ImageNet's types; 0 ignores the head.
    public var headExponent = 1.0
    /// Per-type multipliers after the evidence is combined.
    public var weights = TypeWeights.standard
    public var sizeExponent: [BodyType: Double] = [.bus: 1.5, .truck: 1]
    public var detectorVeto = 0.2

    public init() {}

    /// The body types of the vehicle-types set's `car` class, which neither its head nor its labels tell apart.
    public static let carTypes: Set<BodyType> = [.sedan, .suv, .hatchback, .minivan, .wagon, .coupe]

    /// The body types a detector class admits (COCO's truck holds pickups and vans; its car, SUVs and minivans).
    static func admitted(by detected: DetectedClass) -> Set<BodyType> {
        switch detected {
        case .car: carTypes.union([.pickup, .van])
        case .truck: [.truck, .pickup, .van]
        case .bus: [.bus, .van]
        case .motorcycle: []
        }
    }

    /// The head's probability for body type `t`.
    static func headProbability(of t: BodyType, _ classes: [VehicleClass: Double]) -> Double {
        switch t {
        case .pickup: classes[.pickup] ?? 0
        case .truck: (classes[.truck] ?? 0) + (classes[.juggernaut] ?? 0)
        case .van, .bus: classes[.minibus] ?? 0
        case .sedan, .suv, .hatchback, .minivan, .wagon, .coupe: classes[.car] ?? 0
        }
    }

    /// The method and its settings, recorded in the index's model description so that it refuses types named another way.
    public func settings(head: TypeHead?) -> String {
        func line(_ d: [BodyType: Double]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: " ") }
        return "type-namer 2 \(head?.version ?? "imagenet only") head-exponent \(headExponent) car-prior [\(line(carPrior))] "
            + "minibus [\(line(minibusSplit))] weights [\(line(weights.weights))] size [\(line(sizeExponent))] detector-veto \(detectorVeto)"
    }

    /// The body-type distribution `e` supports (sums to 1, or empty when nothing points to a body type).
    public func distribution(_ e: TypeEvidence) -> [BodyType: Double] {
        var out = unweighted(e)
        for (t, p) in out { out[t] = p * (weights.weights[t] ?? 1) }
        let total = out.values.reduce(0, +)
        return total > 0 ? out.mapValues { $0 / total } : [:]
    }

    /// The distribution before `weights` (what `TypeWeights.fit` fits them on), normalised.
    public func unweighted(_ e: TypeEvidence) -> [BodyType: Double] {
        var out: [BodyType: Double] = [:]
        if !e.imageNet.isEmpty {
            out = e.imageNet
            if !e.classes.isEmpty, headExponent > 0 {
                for (t, p) in out { out[t] = p * Foundation.pow(max(Self.headProbability(of: t, e.classes), 1e-6), headExponent) }
            }
        } else {
            for (c, p) in e.classes {
                switch c {
                case .car: for (t, s) in carPrior { out[t, default: 0] += p * s }
                case .minibus: for (t, s) in minibusSplit { out[t, default: 0] += p * s }
                case .pickup: out[.pickup, default: 0] += p
                case .truck, .juggernaut: out[.truck, default: 0] += p
                case .bike: continue
                }
            }
        }
        if let ratio = e.sizeRatio, ratio > 0 {
            let r = min(4, max(0.25, ratio))
            for (t, p) in out { out[t] = p * Foundation.pow(r, sizeExponent[t] ?? 0) }
        }
        if let detected = e.detected {
            let admitted = Self.admitted(by: detected)
            for (t, p) in out where !admitted.contains(t) { out[t] = p * detectorVeto }
        }
        let total = out.values.reduce(0, +)
        return total > 0 ? out.mapValues { $0 / total } : [:]
    }
}

/// Per-type multipliers that correct the type mapping's priors (ImageNet reads many SUVs as sports
/// cars, for one), fitted on labelled crops by coordinate ascent over `steps`: each type's weight in
/// turn takes the step that names most samples right (label or alternative), ties going to the
/// step nearest 1, over `sweeps` passes.
public struct TypeWeights: Sendable, Equatable {
    public var weights: [BodyType: Double]

    public init(_ weights: [BodyType: Double]) { self.weights = weights }

    /// Fitted on the 40 labelled crops of `../shared/data/vehicle-crops` (EfficientNet-Lite2, no head) by
    /// `sightline bench appearance`, which reports the accuracy of the fit by leave-one-out.
    public static let standard = TypeWeights([:])

    public static let steps: [Double] = [1, 1.4, 0.7, 2, 0.5, 2.8, 0.35, 4, 0.25, 5.6, 8]
    public static let sweeps = 3

    /// The most likely type of an unweighted distribution under these weights.
    public func name(_ unweighted: [BodyType: Double]) -> BodyType? {
        var best: (BodyType, Double)?
        for (t, p) in unweighted {
            let q = p * (weights[t] ?? 1)
            guard q > 0 else { continue }
            if let b = best, q < b.1 || (q == b.1 && t > b.0) { continue }
            best = (t, q)
        }
        return best?.0
    }

    /// Weights fitted on `samples` (unweighted distributions, `BodyTypeNamer.unweighted`, and the accepted types).
    public static func fit(_ samples: [(distribution: [BodyType: Double], accepted: Set<BodyType>)]) -> TypeWeights {
        var current = TypeWeights([:])
        func hits(_ w: TypeWeights) -> Int { samples.filter { w.name($0.distribution).map($0.accepted.contains) == true }.count }
        var score = hits(current)
        for _ in 0..<sweeps {
            for t in BodyType.allCases {
                for step in steps {
                    var trial = current
                    trial.weights[t] = step == 1 ? nil : step
                    let s = hits(trial)
                    if s > score { (current, score) = (trial, s) }
                }
            }
        }
        return current
    }

    /// Each sample named by weights fitted on all the others.
    public static func leaveOneOut(_ samples: [(distribution: [BodyType: Double], accepted: Set<BodyType>)]) -> [BodyType?] {
        samples.indices.map { i in
            var others = samples
            others.remove(at: i)
            return fit(others).name(samples[i].distribution)
        }
    }
}

/// A track's boxes against its camera's typical vehicle: how much larger and how much taller (height
/// over width) its typical box is than the median track's of the same camera. Perspective-blind.
public struct BoxGeometry: Sendable, Equatable {
    public var sizeRatio: Double
    public var tallnessRatio: Double

    public init(sizeRatio: Double, tallnessRatio: Double) {
        self.sizeRatio = sizeRatio
        self.tallnessRatio = tallnessRatio
    }

    /// The geometry of every track, each against the other tracks of its camera.
    public static func of(_ tracks: [Track]) -> [String: BoxGeometry] {
        let size = TrackAnalysis.sizeRatios(of: tracks)
        func median(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.sorted()[v.count / 2] }
        let tallness = Dictionary(uniqueKeysWithValues: tracks.map { t in (t.id, median(t.boxes.map { $0.h / max($0.w, 1) })) })
        var out: [String: BoxGeometry] = [:]
        for group in Dictionary(grouping: tracks, by: \.cameraKey).values {
            let typical = median(group.compactMap { tallness[$0.id] })
            for t in group {
                out[t.id] = BoxGeometry(sizeRatio: size[t.id] ?? 1, tallnessRatio: typical > 0 ? (tallness[t.id] ?? 0) / typical : 1)
            }
        }
        return out
    }
}
