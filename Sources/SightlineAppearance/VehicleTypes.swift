import Foundation
import SightlineData

/// Maps ImageNet-1k's road-vehicle classes onto Sightline's body types, so a pretrained
/// ImageNet classifier yields a distribution over the parser's `BodyType` vocabulary.
public enum ImageNetBodyTypes {
    /// Share of each body type that an ImageNet class stands for, in the words CityFlow-NL's
    /// annotators use: their high, distant views of ordinary cars read as "sports car", "racer"
    /// or "minivan" to ImageNet, and they rarely write "coupe". Classes that say "a car" but not
    /// which kind (car wheel, grille) are left out: they carry no type evidence.
    public static let mapping: [String: [BodyType: Double]] = [
        "sports car": [.sedan: 0.7, .coupe: 0.3],
        "racer": [.sedan: 0.7, .coupe: 0.3],
        "convertible": [.sedan: 0.6, .coupe: 0.4],
        "cab": [.sedan: 1],
        "limousine": [.sedan: 1],
        "Model T": [.sedan: 1],
        "beach wagon": [.suv: 0.5, .wagon: 0.25, .hatchback: 0.25],
        "jeep": [.suv: 1],
        "minivan": [.minivan: 0.5, .suv: 0.3, .van: 0.2],
        "police van": [.van: 1],
        "ambulance": [.van: 1],
        "moving van": [.van: 0.5, .truck: 0.5],
        "recreational vehicle": [.van: 0.5, .bus: 0.5],
        "minibus": [.van: 0.5, .bus: 0.5],
        "school bus": [.bus: 1],
        "trolleybus": [.bus: 1],
        "pickup": [.pickup: 1],
        "tow truck": [.pickup: 0.7, .truck: 0.3],
        "snowplow": [.pickup: 0.5, .truck: 0.5],
        "trailer truck": [.truck: 1],
        "garbage truck": [.truck: 1],
        "fire engine": [.truck: 1],
        "tractor": [.truck: 1],
        "forklift": [.truck: 1],
    ]

    /// Body-type distribution from ImageNet logits in class order (`names[i]` is logit `i`):
    /// softmax probabilities of the mapped classes, spread by `mapping`, renormalised. Empty
    /// when the mapped classes hold less than `minimumMass` of the probability (not a vehicle).
    public static func distribution(logits: [Float], names: [String], minimumMass: Double = 0.02) -> [BodyType: Double] {
        guard let peak = logits.max() else { return [:] }
        var total = 0.0
        for l in logits { total += Double(expf(l - peak)) }
        var out: [BodyType: Double] = [:]
        var mapped = 0.0
        for (i, name) in names.enumerated() where i < logits.count {
            guard let shares = mapping[name] else { continue }
            let p = Double(expf(logits[i] - peak)) / total
            mapped += p
            for (type, share) in shares { out[type, default: 0] += p * share }
        }
        guard mapped >= minimumMass else { return [:] }
        return out.mapValues { $0 / mapped }
    }
}
