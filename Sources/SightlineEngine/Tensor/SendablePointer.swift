/// A raw float pointer handed to parallel workers that write disjoint ranges of it.
struct SendablePointer: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>
    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }
}
