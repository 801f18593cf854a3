/// A tensor as a weight file stores it: row-major `Float` elements and their shape.
///
/// A plain value so the parsers stay out of the engine's `-Ounchecked` module; the engine wraps it in its `Tensor`.
public struct StoredTensor: Sendable, Equatable {
    /// Extent of each dimension, outermost first.
    public var shape: [Int]
    /// Elements in row-major order; `count == shape.reduce(1, *)`.
    public var data: [Float]

    /// Wraps `data` with `shape`; the element count must match the shape.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "stored tensor shape \(shape) does not hold \(data.count) elements")
        self.shape = shape
        self.data = data
    }
}
