import Foundation
import SightlineEngine
import SightlineWeightFiles

/// The six classes of the vehicle-types set ("A Dataset Containing Tiny and Low Quality Images for
/// Vehicle Classification", Zenodo 6634554): 100×100 traffic-camera crops, 800 per class.
public enum VehicleClass: String, CaseIterable, Sendable, Comparable {
    case car, pickup, truck, minibus, juggernaut, bike

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A linear softmax classifier over `VehicleClass` on EfficientNet-Lite's pooled features,
/// L2-normalised as `CropEncoding.features`: p = softmax(W·f + b). Trained with the encoder frozen
/// by `sightline train-type-head`; the shipped one is a resource of this target.
public struct TypeHead: Sendable, Equatable {
    /// [classes × features], row-major, in `VehicleClass.allCases` order.
    public let weight: [Float]
    public let bias: [Float]
    /// The encoder variant whose features it reads.
    public let variant: EfficientNetLiteVariant
    /// Names the head (variant and a digest of its numbers), for an index's feature version.
    public let version: String

    public var featureCount: Int { bias.isEmpty ? 0 : weight.count / bias.count }

    public init(weight: [Float], bias: [Float], variant: EfficientNetLiteVariant, name: String = "type-head") throws {
        guard bias.count == VehicleClass.allCases.count, !weight.isEmpty, weight.count % bias.count == 0 else {
            throw TypeHeadError.shape(name: name, weight: weight.count, bias: bias.count)
        }
        self.weight = weight
        self.bias = bias
        self.variant = variant
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in weight + bias {
            h ^= UInt64(v.bitPattern)
            h = h &* 0x0000_0100_0000_01b3
        }
        version = "\(name) \(variant.rawValue) \(String(h, radix: 16))"
    }

    /// State-dict names of the file: a `torch.nn.Linear`'s.
    public static let weightName = "weight", biasName = "bias"

    /// Reads a head written by `sightline train-type-head` (safetensors with `weight` [6 × d] and `bias` [6]).
    public init(path: String, variant: EfficientNetLiteVariant) throws {
        let tensors = try SafeTensors.load(path: path)
        guard let w = tensors[Self.weightName], let b = tensors[Self.biasName], w.shape.count == 2, w.shape[0] == b.data.count else {
            throw TypeHeadError.missing(file: path)
        }
        try self.init(weight: w.data, bias: b.data, variant: variant, name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent)
    }

    /// The shipped head: `Resources/type-head-v1.safetensors`, trained on Lite2 features.
    public static func bundled() throws -> TypeHead {
        guard let url = Bundle.module.url(forResource: "type-head-v1", withExtension: "safetensors") else {
            throw TypeHeadError.missing(file: "type-head-v1.safetensors (SightlineAppearance resource)")
        }
        return try TypeHead(path: url.path, variant: .lite2)
    }

    /// Class probabilities of one crop's L2-normalised features; empty when their length does not fit.
    public func probabilities(_ features: [Float]) -> [VehicleClass: Double] {
        let d = featureCount
        guard features.count == d, d > 0 else { return [:] }
        var logits = [Double](repeating: 0, count: bias.count)
        for c in bias.indices {
            var s = Double(bias[c])
            for k in 0..<d { s += Double(weight[c * d + k]) * Double(features[k]) }
            logits[c] = s
        }
        let peak = logits.max() ?? 0
        let e = logits.map { Foundation.exp($0 - peak) }
        let total = e.reduce(0, +)
        return Dictionary(uniqueKeysWithValues: zip(VehicleClass.allCases, e.map { $0 / total }))
    }
}

public enum TypeHeadError: Error, CustomStringConvertible {
    case missing(file: String)
    case shape(name: String, weight: Int, bias: Int)

    public var description: String {
        switch self {
        case let .missing(file): "\(file): no type head (tensors 'weight' [6 × d] and 'bias' [6])"
        case let .shape(name, weight, bias): "\(name): a type head needs 6 biases and 6 × d weights, not \(bias) and \(weight)"
        }
    }
}
