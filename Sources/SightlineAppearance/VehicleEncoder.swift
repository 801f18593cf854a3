import SightlineEngine
import SightlineData
import SightlinePixels

/// What the pretrained image encoder says about one vehicle crop.
public struct CropEncoding: Sendable, Equatable {
    /// The type evidence of the crop alone (no geometry, no detector class).
    public var evidence: TypeEvidence
    /// The body-type distribution of the crop alone, by the encoder's `BodyTypeNamer`.
    public var types: [BodyType: Double]
    /// Pooled EfficientNet features, L2-normalised.
    public var features: [Float]
}

/// Runs EfficientNet-Lite on vehicle crops: type evidence from its ImageNet vehicle classes and,
/// when a type head for the variant is there, from the head on its pooled features, which are
/// also the appearance embedding.
public struct VehicleEncoder: Sendable {
    public let network: EfficientNetLite
    public var threads: ThreadConfig
    /// Pads a crop to a square with black before resizing (the CVPR 2023 solution) instead of stretching it.
    public var squarePad: Bool
    /// The type head on the pooled features; nil names types from ImageNet's classes alone.
    public var head: TypeHead?
    public var typeNamer: BodyTypeNamer

    public init(network: EfficientNetLite, threads: ThreadConfig = ThreadConfig(), squarePad: Bool = false,
                head: TypeHead? = nil, typeNamer: BodyTypeNamer = BodyTypeNamer()) {
        self.network = network
        self.threads = threads
        self.squarePad = squarePad
        self.head = head
        self.typeNamer = typeNamer
    }

    /// Loads EfficientNet-Lite `variant` from the installed weights, with the shipped type head
    /// when it was trained on this variant's features (and `useHead`).
    public init(store: ModelStore = ModelStore(), variant: EfficientNetLiteVariant = .lite0, squarePad: Bool = false, useHead: Bool = true) throws {
        let head: TypeHead? = try useHead ? Self.shippedHead(for: variant) : nil
        self.init(network: try EfficientNetLite(store: store, variant: variant), squarePad: squarePad, head: head)
    }

    /// The shipped type head when it reads `variant`'s features.
    public static func shippedHead(for variant: EfficientNetLiteVariant) throws -> TypeHead? {
        let head = try TypeHead.bundled()
        return head.variant == variant ? head : nil
    }

    /// The crop as the network's square input: area-averaged when shrinking, bilinear when growing.
    public func input(_ crop: RGBImage) -> RGBImage {
        let side = network.variant.inputSize
        let source = squarePad ? crop.paddedToSquare() : crop
        return source.width >= side && source.height >= side
            ? source.resizedArea(width: side, height: side)
            : source.resizedBilinear(width: side, height: side)
    }

    /// Encodes crops in one batch; empty crops are skipped by the caller.
    public func encode(_ crops: [RGBImage]) -> [CropEncoding] {
        let tensors = crops.map { crop -> Tensor in
            let image = input(crop)
            return network.preprocess(rgb: image.pixels, width: image.width, height: image.height)
        }
        return network(tensors, threads: threads).map { e in
            let features = Self.normalised(e.features)
            let evidence = TypeEvidence(classes: head?.probabilities(features) ?? [:],
                                        imageNet: ImageNetBodyTypes.distribution(logits: e.logits, names: ImageNetClasses.names))
            return CropEncoding(evidence: evidence, types: typeNamer.distribution(evidence), features: features)
        }
    }

    /// The mean of L2-normalised vectors, itself L2-normalised: a track's appearance embedding.
    public static func meanEmbedding(_ vectors: [[Float]]) -> [Float] {
        guard let first = vectors.first else { return [] }
        var sum = [Float](repeating: 0, count: first.count)
        for v in vectors where v.count == sum.count { for i in v.indices { sum[i] += v[i] } }
        return normalised(sum)
    }

    /// `v` over its L2 norm (unchanged when zero).
    public static func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
