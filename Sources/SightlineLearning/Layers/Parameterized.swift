import SightlineData
import SightlineEngine

/// A value holding trainable tensors under PyTorch state-dict names ("fc1.weight", "norm.bias").
///
/// Layers and their gradients conform alike and visit their tensors in one fixed order under the same
/// names, so the optimiser pairs a parameter with its gradient by position, clipping walks every gradient,
/// and a weight file is written and read back by name and shape.
public protocol Parameterized: Sendable {
    /// Calls `body` on each tensor with its name after `prefix`, in a fixed order, letting it change the tensor.
    mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows
}

extension Parameterized {
    /// Every tensor with its full name, in visiting order.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        var copy = self
        var result: [(name: String, tensor: Tensor)] = []
        copy.visitParameters("") { name, tensor in result.append((name, tensor)) }
        return result
    }

    /// Number of scalars over all tensors.
    public var scalarCount: Int { namedParameters.reduce(0) { $0 + $1.tensor.count } }

    /// Adds `other`'s tensors to these, element by element: gradients of several batches summed.
    public mutating func accumulate(_ other: Self) {
        let addends = other.namedParameters.map(\.tensor)
        var index = 0
        visitParameters("") { _, tensor in
            let addend = addends[index]
            index += 1
            precondition(addend.shape == tensor.shape, "accumulating a tensor of shape \(addend.shape) onto \(tensor.shape)")
            for i in tensor.data.indices { tensor.data[i] += addend.data[i] }
        }
    }

    /// Multiplies every element by `factor`.
    public mutating func scale(by factor: Float) {
        visitParameters("") { _, tensor in
            for i in tensor.data.indices { tensor.data[i] *= factor }
        }
    }
}

extension Tensor {
    /// A tensor of `shape` with elements drawn uniformly from [−bound, bound): PyTorch's default
    /// initialisation of `nn.Linear` and `nn.Conv1d` with bound 1/√fan-in.
    public static func uniform(shape: [Int], bound: Float, generator: inout SplitMix64) -> Tensor {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, data: (0..<count).map { _ in (2 * generator.unitInterval() - 1) * bound })
    }

    /// Rows of a tensor whose last dimension is `width`: every leading dimension flattened.
    func rows(width: Int) -> Int {
        precondition(shape.last == width, "tensor of shape \(shape) where the last dimension must be \(width)")
        return width == 0 ? 0 : count / width
    }
}

extension SplitMix64 {
    /// A uniform draw from [0, 1) with 24 random bits, exactly representable as a `Float`.
    mutating func unitInterval() -> Float {
        Float(next() >> 40) * 0x1p-24
    }
}
