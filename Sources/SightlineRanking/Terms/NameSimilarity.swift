import SightlineData

/// Partial credit between names of one vocabulary (colours, body types) that people and cameras
/// confuse: 1 for the same name, the table's value for a near pair, 0 otherwise.
public struct NameSimilarity<Name: Hashable & CaseIterable & RawRepresentable<String> & Sendable>: Sendable {
    public let near: [Set<Name>: Double]

    public init(_ near: [Set<Name>: Double]) { self.near = near }

    public func callAsFunction(_ a: Name, _ b: Name) -> Double { a == b ? 1 : near[[a, b]] ?? 0 }

    /// Sum of p(shown) * similarity(name, shown), in vocabulary order.
    func agreement(with name: Name, seen: [Name: Double]) -> Double {
        Name.allCases.reduce(0) { total, shown in total + (seen[shown] ?? 0) * self(name, shown) }
    }

    /// The agreement with every name of the vocabulary, in `allCases` order: a track's feature vector.
    func features(seen: [Name: Double]?) -> [Double] {
        guard let seen, !seen.isEmpty else { return [Double](repeating: 0, count: Name.allCases.count) }
        return Name.allCases.map { agreement(with: $0, seen: seen) }
    }

    /// A stable text of the table, so that editing it changes the index's feature version.
    var version: String {
        near.map { pair, value in pair.map(\.rawValue).sorted().joined(separator: "~") + "=\(value)" }
            .sorted().joined(separator: ",")
    }

    /// "query: blue; pixels: blue 64%, black 15%", or "...; no pixels".
    static func reason(asked: Name?, otherwise: String, seen: [Name: Double]?) -> String {
        let asked = asked?.rawValue ?? otherwise
        guard let seen, !seen.isEmpty else { return "query: \(asked); no pixels" }
        let top = seen.sorted { $0.value > $1.value }.prefix(2).map { "\($0.key.rawValue) \(Int(clamping: ($0.value * 100).rounded()))%" }
        return "query: \(asked); pixels: \(top.joined(separator: ", "))"
    }
}
