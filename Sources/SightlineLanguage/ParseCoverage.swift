import SightlineData

/// How much of a description set the typed parser understands, and how often a track's
/// descriptions agree after voting. "Agree" means every description that names a colour
/// (type) names the same one, with at least one naming it (`Agreement.agrees`).
public struct ParseCoverage: Sendable, Equatable, Codable {
    public var descriptions = 0
    public var tracks = 0
    public var withColor = 0
    public var withType = 0
    public var withMotion = 0
    public var withLocation = 0
    public var withRelation = 0
    public var empty = 0
    /// Tracks per colour (type) agreement class, keyed by `Agreement` raw value.
    public var colorAgreement: [String: Int] = [:]
    public var typeAgreement: [String: Int] = [:]

    /// Parses every description of every track (a track is a list of descriptions) and counts.
    public init(tracks descriptionSets: [[String]], parser: DescriptionParser = .init()) {
        for set in descriptionSets {
            let voted = VotedQuery(descriptions: set, parser: parser)
            tracks += 1
            colorAgreement[voted.colorAgreement.rawValue, default: 0] += 1
            typeAgreement[voted.typeAgreement.rawValue, default: 0] += 1
            for q in voted.descriptions {
                descriptions += 1
                if q.color != nil { withColor += 1 }
                if q.type != nil { withType += 1 }
                if !q.motions.isEmpty { withMotion += 1 }
                if !q.locations.isEmpty { withLocation += 1 }
                if !q.relations.isEmpty { withRelation += 1 }
                if q.isEmpty { empty += 1 }
            }
        }
    }

    /// Share of tracks whose descriptions agree on colour.
    public var colorAgreeShare: Double { share(agreeing(colorAgreement), of: tracks) }
    /// Share of tracks whose descriptions agree on type.
    public var typeAgreeShare: Double { share(agreeing(typeAgreement), of: tracks) }

    /// `count / total`, 0 for an empty total.
    public func share(_ count: Int, of total: Int) -> Double { total > 0 ? Double(count) / Double(total) : 0 }

    func agreeing(_ classes: [String: Int]) -> Int {
        Agreement.allCases.filter(\.agrees).reduce(0) { $0 + (classes[$1.rawValue] ?? 0) }
    }
}
