/// A dense row-major tensor of 32-bit floats.
///
/// The engine keeps every activation and weight in this one value type so that
/// loaders, layers and tests share a single representation; copies are cheap
/// until written (copy-on-write through `Array`).
public struct Tensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// Elements in row-major order; `count == shape.reduce(1, *)`.
    public var data: [Float]

    /// Wraps `data` with `shape`; the element count must match the shape.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor shape \(shape) does not hold \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    /// A tensor of `shape` filled with `value`.
    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.data = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// Number of elements.
    public var count: Int { data.count }

    /// Number of dimensions.
    public var rank: Int { shape.count }
}
