import SightlineWeightFiles

extension Tensor {
    /// Wraps a tensor read by a weight-file parser, sharing its elements.
    public init(_ stored: StoredTensor) {
        self.init(shape: stored.shape, data: stored.data)
    }
}

/// A state dict that hands out each tensor once, checked by shape, and at the end
/// throws for any tensor nobody asked for, so a model never silently runs on partial weights.
public struct StrictWeights {
    private var tensors: [String: Tensor]
    public let path: String

    public init(_ tensors: [String: Tensor], path: String) {
        self.tensors = tensors
        self.path = path
    }

    /// Removes and returns tensor `key`, which must have `shape` when given.
    public mutating func take(_ key: String, shape: [Int]? = nil) throws -> Tensor {
        guard let tensor = tensors.removeValue(forKey: key) else {
            throw WeightFileError.missingKey(path: path, key: key)
        }
        if let shape, tensor.shape != shape {
            throw WeightFileError.shapeMismatch(path: path, key: key, expected: shape, found: tensor.shape)
        }
        return tensor
    }

    /// Whether tensor `key` is still present (used to discover optional layers such as expansions).
    public func contains(_ key: String) -> Bool { tensors[key] != nil }

    /// The shape of tensor `key`, if present.
    public func shape(of key: String) -> [Int]? { tensors[key]?.shape }

    /// Throws for the first leftover tensor not matched by `unused`.
    public func finish(unused: (String) -> Bool) throws {
        if let extra = tensors.keys.sorted().first(where: { !unused($0) }) {
            throw WeightFileError.unexpectedKey(path: path, key: extra)
        }
    }
}
