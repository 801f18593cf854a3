/// A score term with its default weight.
public struct WeightedTerm: Sendable {
    public var term: any ScoreTerm
    public var weight: Double

    public init(_ term: any ScoreTerm, weight: Double) {
        self.term = term
        self.weight = weight
    }
}

extension Ranker {
    /// Every score term and its default weight, in ranking order: adding a term is one file
    /// (a `ScoreTerm`) and one line here. Weights were chosen on the 2022 val tracks (see
    /// README). Relation 0.2 follows SSM's fusion; SSM's location weight of 1.0 lost to 0.3
    /// here, where the camera's intersection flag rests on few tracks per camera. The pixel
    /// terms (colour, type, relation-look) score 0 for tracks without frames.
    public static let registry: [WeightedTerm] = [
        WeightedTerm(MotionTerm(), weight: 1.0),
        WeightedTerm(StopTerm(), weight: 1.0),
        WeightedTerm(LocationTerm(), weight: 0.3),
        WeightedTerm(RelationTerm(), weight: 0.2),
        WeightedTerm(SizeTerm(), weight: 0.3),
        WeightedTerm(ColourTerm(), weight: 1.0),
        WeightedTerm(TypeTerm(), weight: 0.5),
        WeightedTerm(RelationLookTerm(), weight: 0.2),
        WeightedTerm(LearnedTerm(), weight: 1.0),
    ]

    /// The registered terms, in ranking order.
    public static let allTerms: [any ScoreTerm] = registry.map(\.term)
}

/// The weight of every score term. A term absent here weighs 0.
public struct RankingWeights: Sendable, Equatable, Codable {
    public var weights: [String: Double]

    /// The registry's weights.
    public static let standard = RankingWeights(weights: Dictionary(uniqueKeysWithValues: Ranker.registry.map { ($0.term.name, $0.weight) }))

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
