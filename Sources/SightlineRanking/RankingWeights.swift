/// The weight of every score term, in one place. A term absent here weighs 0.
public struct RankingWeights: Sendable, Equatable, Codable {
    public var weights: [String: Double]

    /// Defaults chosen on the 2022 val tracks (see README). Relation 0.2 follows SSM's fusion;
    /// SSM's location weight of 1.0 lost to 0.3 here, where the camera's intersection flag
    /// rests on few tracks per camera.
    public static let standard = RankingWeights(weights: [
        MotionTerm.name: 1.0,
        StopTerm.name: 1.0,
        LocationTerm.name: 0.3,
        RelationTerm.name: 0.2,
        SizeTerm.name: 0.3,
        ColourTerm.name: 1.0,
        TypeTerm.name: 0.5,
        RelationLookTerm.name: 0.2,
    ])

    public init(weights: [String: Double]) { self.weights = weights }

    public subscript(_ term: String) -> Double {
        get { weights[term] ?? 0 }
        set { weights[term] = newValue }
    }

    /// Keeps only the named terms (for ablations); unknown names are reported by the caller.
    public func keeping(_ names: Set<String>) -> RankingWeights {
        RankingWeights(weights: weights.filter { names.contains($0.key) })
    }
}
