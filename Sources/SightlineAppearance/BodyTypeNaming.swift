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
/// The head's classes map onto body types: pickup → pickup; truck and juggernaut → truck; minibus →
/// van, bus or minivan; car → sedan, SUV, hatchback, minivan, wagon or coupe, which the head cannot
/// tell apart (nor can the vehicle-types set, whose `car` holds them all): that split is ImageNet's
/// (its share `imageNetShare`) over `carPrior`. `bike` names no body type and is dropped. Without a
/// head, ImageNet's distribution is used as it is. Then box geometry and the detector's class weigh
/// each type by a likelihood: a size ratio r (clamped to 1/4...4) multiplies type b by r^`sizeExponent[b]`
/// (buses and trucks are the big ones), tallness likewise with `tallnessExponent`; a detector class
/// multiplies the types it does not admit by `detectorVeto`.
public struct BodyTypeNamer: Sendable {
    /// How car-like types split when nothing else tells them apart: roughly CityFlow-NL's shares of them in descriptions.
    public var carPrior: [BodyType: Double] = [.sedan: 0.45, .suv: 0.33, .hatchback: 0.07, .minivan: 0.07, .wagon: 0.04, .coupe: 0.04]
    /// How a minibus-like crop splits.
    public var minibusSplit: [BodyType: Double] = [.van: 0.6, .bus: 0.25, .minivan: 0.15]
    /// The share of the car split taken from ImageNet's car-like types.
    public var imageNetShare = 0.6
    public var sizeExponent: [BodyType: Double] = [.bus: 1.5, .truck: 1, .van: 0.5, .pickup: 0.3, .minivan: 0.2, .suv: 0.2, .hatchback: -0.3, .coupe: -0.3]
    public var tallnessExponent: [BodyType: Double] = [.bus: 1, .van: 1, .truck: 0.5, .suv: 0.5, .minivan: 0.5, .sedan: -0.5, .coupe: -0.5, .wagon: -0.3]
    public var detectorVeto = 0.2

    public init() {}

    static let carTypes: Set<BodyType> = [.sedan, .suv, .hatchback, .minivan, .wagon, .coupe]

    /// The body types a detector class admits (COCO's truck holds pickups and vans; its car, SUVs and minivans).
    static func admitted(by detected: DetectedClass) -> Set<BodyType> {
        switch detected {
        case .car: carTypes.union([.pickup, .van])
        case .truck: [.truck, .pickup, .van]
        case .bus: [.bus, .van]
        case .motorcycle: []
        }
    }

    /// The method and its settings, recorded in the index's model description so that it refuses types named another way.
    public func settings(head: TypeHead?) -> String {
        func line(_ d: [BodyType: Double]) -> String { d.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: " ") }
        return "type-namer 1 \(head?.version ?? "imagenet only") car-prior [\(line(carPrior))] minibus [\(line(minibusSplit))] "
            + "imagenet-share \(imageNetShare) size [\(line(sizeExponent))] tallness [\(line(tallnessExponent))] detector-veto \(detectorVeto)"
    }

    /// The body-type distribution `e` supports (sums to 1, or empty when nothing points to a body type).
    public func distribution(_ e: TypeEvidence) -> [BodyType: Double] {
        var out: [BodyType: Double]
        if e.classes.isEmpty {
            out = e.imageNet
        } else {
            let carLike = e.imageNet.filter { Self.carTypes.contains($0.key) }
            let carMass = carLike.values.reduce(0, +)
            var carSplit = carPrior.mapValues { $0 * (carMass > 0 ? 1 - imageNetShare : 1) }
            if carMass > 0 { for (t, p) in carLike { carSplit[t, default: 0] += imageNetShare * p / carMass } }
            out = [:]
            for (c, p) in e.classes {
                switch c {
                case .car: for (t, s) in carSplit { out[t, default: 0] += p * s }
                case .minibus: for (t, s) in minibusSplit { out[t, default: 0] += p * s }
                case .pickup: out[.pickup, default: 0] += p
                case .truck, .juggernaut: out[.truck, default: 0] += p
                case .bike: continue
                }
            }
        }
        func weigh(_ ratio: Double?, _ exponents: [BodyType: Double]) {
            guard let ratio, ratio > 0 else { return }
            let r = min(4, max(0.25, ratio))
            for (t, p) in out { out[t] = p * Foundation.pow(r, exponents[t] ?? 0) }
        }
        weigh(e.sizeRatio, sizeExponent)
        weigh(e.tallnessRatio, tallnessExponent)
        if let detected = e.detected {
            let admitted = Self.admitted(by: detected)
            for (t, p) in out where !admitted.contains(t) { out[t] = p * detectorVeto }
        }
        let total = out.values.reduce(0, +)
        return total > 0 ? out.mapValues { $0 / total } : [:]
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
