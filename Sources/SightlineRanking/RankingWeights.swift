import Foundation
import SightlineData

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
    /// Every score term and its hand-set weight, in ranking order: adding a term is one file
    /// (a `ScoreTerm`) and one line here. The ranking's default weights are the fitted ones
    /// (`RankingWeights.standard`); these hand-set weights, chosen on the 2022 val tracks (see
    /// README), are where the fit starts from and what terms the fit cannot weigh keep. Relation
    /// 0.2 follows SSM's fusion; SSM's location weight of 1.0 lost to 0.3 here, where the camera's
    /// intersection flag rests on few tracks per camera. The pixel terms (colour, type,
    /// relation-look) score 0 for tracks without frames. The learned term is off (0) until its
    /// weight is fitted on learned scores cross-fitted by camera: at 1.0, chosen on the training
    /// cameras, it lowered MRR on the unseen scene S05 (README, Learning).
    public static let registry: [WeightedTerm] = [
        WeightedTerm(MotionTerm(), weight: 1.0),
        WeightedTerm(StopTerm(), weight: 1.0),
        WeightedTerm(LocationTerm(), weight: 0.3),
        WeightedTerm(RelationTerm(), weight: 0.2),
        WeightedTerm(SizeTerm(), weight: 0.3),
        WeightedTerm(ColourTerm(), weight: 1.0),
        WeightedTerm(TypeTerm(), weight: 0.5),
        WeightedTerm(RelationLookTerm(), weight: 0.2),
        WeightedTerm(LearnedTerm(), weight: 0),
    ]

    /// The registered terms, in ranking order.
    public static let allTerms: [any ScoreTerm] = registry.map(\.term)
}

/// The weight of every score term. A term absent here weighs 0.
public struct RankingWeights: Sendable, Equatable, Codable {
    public var weights: [String: Double]

    /// The registry's hand-set weights.
    public static let handSet = RankingWeights(weights: Dictionary(uniqueKeysWithValues: Ranker.registry.map { ($0.term.name, $0.weight) }))

    /// The default weights: those `sightline fit-weights` fitted on the 2022 train and val tracks,
    /// shipped as `Resources/fitted-weights.json`.
    public static let standard: RankingWeights = {
        guard let url = Bundle.module.url(forResource: "fitted-weights", withExtension: "json") else {
            fatalError("the SightlineRanking bundle lacks fitted-weights.json: the package was built without its resources")
        }
        do {
            return try load(path: url.path, known: Set(Ranker.registry.map(\.term.name)))
        } catch {
            fatalError("the shipped fitted-weights.json does not load: \(error)")
        }
    }()

    public init(weights: [String: Double]) { self.weights = weights }

    /// Encoded as a plain object of term names and weights.
    public init(from decoder: any Decoder) throws {
        weights = try decoder.singleValueContainer().decode([String: Double].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(weights)
    }

    public subscript(_ term: String) -> Double {
        get { weights[term] ?? 0 }
        set { weights[term] = newValue }
    }

    /// Keeps only the named terms (for ablations); unknown names are reported by the caller.
    public func keeping(_ names: Set<String>) -> RankingWeights {
        RankingWeights(weights: weights.filter { names.contains($0.key) })
    }
}

extension RankingWeights {
    /// The weights of a JSON file whose `weights` object maps term names to numbers, as
    /// `sightline fit-weights` writes. Every name must be one of `known`; terms the file leaves out weigh 0.
    public static func load(path: String, known: Set<String>) throws(DataError) -> RankingWeights {
        let bytes = try InputFile.contents(path)
        let json: JSON
        do { json = try JSON.parse(bytes) } catch { throw .malformedJSON(file: path, detail: error.description) }
        guard case .object = json else { throw .notAnObject(file: path, found: json.kindName) }
        guard let object = json["weights"] else { throw .missingField(file: path, id: "(top level)", field: "weights") }
        guard case let .object(members) = object else {
            throw .wrongType(file: path, id: "(top level)", field: "weights", expected: "an object of term weights", found: object.kindName)
        }
        var weights: [String: Double] = [:]
        for (name, value) in members {
            guard known.contains(name) else {
                throw .wrongType(file: path, id: "weights", field: name, expected: "one of the terms \(known.sorted().joined(separator: ", "))", found: "an unknown term")
            }
            guard case let .number(w) = value, w.isFinite else {
                throw .wrongType(file: path, id: "weights", field: name, expected: "a finite number", found: value.kindName)
            }
            guard weights[name] == nil else { throw .duplicateID(file: path, id: "weights.\(name)") }
            weights[name] = w
        }
        return RankingWeights(weights: weights)
    }
}
