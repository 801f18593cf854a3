import Foundation
import SightlineData
import SightlineEngine
import Testing
@testable import SightlineLearning

/// How far `got` is from `want`: the largest |got − want| over the elements, each divided by
/// max(|want|, 1e-2 · max|want|), so that entries near zero are judged against a hundredth of the
/// tensor's largest entry rather than against themselves.
func relativeError(_ got: [Float], _ want: [Double]) -> Double {
    precondition(got.count == want.count, "comparing \(got.count) elements with \(want.count)")
    let floor = max(1e-2 * (want.map(abs).max() ?? 0), 1e-30)
    return zip(got, want).map { abs(Double($0) - $1) / max(abs($1), floor) }.max() ?? 0
}

func relativeError(_ got: Tensor, _ want: Tensor) -> Double {
    #expect(got.shape == want.shape)
    return relativeError(got.data, want.data.map(Double.init))
}

func relativeError(_ got: Float, _ want: Double) -> Double {
    abs(Double(got) - want) / max(abs(want), 1e-30)
}

/// A tensor of `shape` with elements uniform in ±`scale`.
func random(_ shape: [Int], scale: Float = 1, seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    return .uniform(shape: shape, bound: scale, generator: &generator)
}

/// A tensor of `shape` whose elements are distinct and at least `gap` apart, shuffled by `seed`:
/// maxima that a finite-difference step cannot reorder.
func separated(_ shape: [Int], gap: Float = 0.1, seed: UInt64) -> Tensor {
    var generator = SplitMix64(seed: seed)
    let count = shape.reduce(1, *)
    let values = (0..<count).map { Float($0 - count / 2) * gap }.shuffled(using: &generator)
    return Tensor(shape: shape, data: values)
}

/// Central finite differences of the scalar `f` at `x`, element by element; the step actually taken is
/// (x + h) − (x − h) as stored in `Float`, so the rounding of the perturbed input is accounted for.
func numericalGradient(_ x: Tensor, step h: Float, _ f: (Tensor) -> Double) -> [Double] {
    (0..<x.count).map { i in
        var plus = x, minus = x
        plus.data[i] += h
        minus.data[i] -= h
        return (f(plus) - f(minus)) / (Double(plus.data[i]) - Double(minus.data[i]))
    }
}

/// Σ y·r in `Double`: the scalar whose gradient with respect to y is r, for checking a layer's backward pass.
func projection(_ y: Tensor, onto r: Tensor) -> Double {
    zip(y.data, r.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// The parity fixture written by scripts/make-learning-fixtures.py.
enum Fixture {
    /// The whole fixture, parsed anew for each caller (it is small).
    static func cases() throws -> [String: Any] {
        let url = try #require(Bundle.module.url(forResource: "learning", withExtension: "json", subdirectory: "Fixtures"))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func section(_ name: String) throws -> [String: Any] {
        try #require(try cases()[name] as? [String: Any], "fixture section \(name)")
    }
}

extension Dictionary where Key == String, Value == Any {
    func tensor(_ key: String) throws -> Tensor {
        let entry = try #require(self[key] as? [String: Any], "fixture tensor \(key)")
        let shape = try #require(entry["shape"] as? [Int], "shape of \(key)")
        let data = try #require(entry["data"] as? [Double], "data of \(key)")
        return Tensor(shape: shape, data: data.map(Float.init))
    }

    /// The reference values of `key` in `Double`, as written.
    func reference(_ key: String) throws -> [Double] {
        let entry = try #require(self[key] as? [String: Any], "fixture tensor \(key)")
        return try #require(entry["data"] as? [Double], "data of \(key)")
    }

    func number(_ key: String) throws -> Double {
        try #require(self[key] as? Double, "fixture number \(key)")
    }

    func section(_ key: String) throws -> [String: Any] {
        try #require(self[key] as? [String: Any], "fixture section \(key)")
    }
}
