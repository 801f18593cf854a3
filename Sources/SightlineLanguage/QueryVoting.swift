import SightlineData

/// How the descriptions of one query agree on an attribute (each description's first-named value).
public enum Agreement: String, Sendable, Codable, CaseIterable {
    /// Every description names a value, and all name the same one.
    case unanimous
    /// All descriptions that name a value name the same one; at least one is silent.
    case consistent
    /// They differ, but only within a known confusable group (gray and silver, SUV and minivan).
    case confusable
    /// They name values that are not confusable with each other.
    case conflicting
    /// No description names a value.
    case unnamed

    /// "Agree" as reported by the coverage: every description that names a value names the same one.
    public var agrees: Bool { self == .unanimous || self == .consistent }

    init<Value: Hashable>(_ perDescription: [Value?], confusable: [Set<Value>]) {
        let named = perDescription.compactMap { $0 }
        let distinct = Set(named)
        if distinct.isEmpty {
            self = .unnamed
        } else if distinct.count == 1 {
            self = named.count == perDescription.count ? .unanimous : .consistent
        } else if confusable.contains(where: { distinct.isSubset(of: $0) }) {
            self = .confusable
        } else {
            self = .conflicting
        }
    }
}

extension Vote {
    /// Values other than the winner, largest share first: the minority readings kept for ranking.
    public var alternatives: [Value] {
        let top = winner
        return shares.filter { $0.key != top }.sorted { a, b in a.value == b.value ? a.key < b.key : a.value > b.value }.map(\.key)
    }

    /// Shares from weighted per-description sets: each description counts each value once.
    init(weighted perDescription: [(Set<Value>, Double)]) {
        var counts: [Value: Double] = [:]
        var total = 0.0
        for (values, weight) in perDescription {
            total += weight
            for v in values { counts[v, default: 0] += weight }
        }
        self.init(total > 0 ? counts.mapValues { $0 / total } : [:])
    }
}

/// The typed parses of one query's descriptions voted into one reading: majority colour and type
/// with a confidence, minority values kept as alternatives, and how far the descriptions agree.
public struct VotedQuery: Sendable, Equatable, Codable {
    public var descriptions: [TypedQuery]
    public var otherViews: [TypedQuery]
    public var colors: Vote<VehicleColor>
    /// Colour with shade ("dark blue" vs "blue"), so variants stay visible after voting.
    public var colorNames: Vote<String>
    public var types: Vote<BodyType>
    public var truckKinds: Vote<TruckKind>
    public var sizes: Vote<SizeClass>
    public var motions: Vote<Motion>
    public var locations: Vote<Location>
    public var relations: [RelationMention: Double]
    public var colorAgreement: Agreement
    public var typeAgreement: Agreement

    /// Colour groups that descriptions of one vehicle commonly split between.
    public static let confusableColors: [Set<VehicleColor>] = [
        [.gray, .silver], [.white, .silver], [.gray, .black], [.blue, .black], [.brown, .gold],
        [.beige, .gold], [.beige, .brown], [.red, .orange], [.white, .beige], [.red, .purple],
    ]
    /// Body-type groups that descriptions of one vehicle commonly split between.
    public static let confusableTypes: [Set<BodyType>] = [
        [.sedan, .hatchback], [.sedan, .coupe], [.suv, .minivan], [.suv, .wagon], [.van, .minivan],
        [.pickup, .truck], [.hatchback, .wagon], [.suv, .hatchback], [.van, .truck], [.sedan, .wagon],
    ]

    /// Votes `descriptions` with weight 1 each and `otherViews` with `otherViewWeight` each
    /// (0 leaves them out of the shares). Agreement looks at `descriptions` only.
    public init(descriptions: [TypedQuery], otherViews: [TypedQuery] = [], otherViewWeight: Double = 0) {
        self.descriptions = descriptions
        self.otherViews = otherViews
        let weighted = descriptions.map { ($0, 1.0) } + (otherViewWeight > 0 ? otherViews.map { ($0, otherViewWeight) } : [])
        func vote<V>(_ values: (TypedQuery) -> [V]) -> Vote<V> {
            Vote(weighted: weighted.map { (Set(values($0.0)), $0.1) })
        }
        colors = vote { $0.target?.colors.compactMap(\.color) ?? [] }
        colorNames = vote { $0.target?.colors.compactMap(\.name) ?? [] }
        types = vote { $0.type.map { [$0] } ?? [] }
        truckKinds = vote { $0.target?.truckKind.map { [$0] } ?? [] }
        sizes = vote { $0.target?.size.map { [$0] } ?? [] }
        motions = vote(\.votedMotions)
        locations = vote { $0.locations.map(\.location) }
        let relationVote: Vote<RelationKey> = vote { $0.relations.map { RelationKey($0.mention) } }
        relations = Dictionary(relationVote.shares.map { ($0.key.mention, $0.value) }, uniquingKeysWith: max)
        colorAgreement = Agreement(descriptions.map(\.color), confusable: Self.confusableColors)
        typeAgreement = Agreement(descriptions.map(\.type), confusable: Self.confusableTypes)
    }

    /// Parses and votes in one step.
    public init(descriptions: [String], otherViews: [String] = [], otherViewWeight: Double = 0, parser: DescriptionParser = .init()) {
        self.init(descriptions: descriptions.map(parser.parse), otherViews: otherViews.map(parser.parse), otherViewWeight: otherViewWeight)
    }

    public var color: VehicleColor? { colors.winner }
    public var type: BodyType? { types.winner }

    /// The shared profile the ranking consumes.
    public var profile: QueryProfile {
        QueryProfile(colors: colors, types: types, motions: motions, locations: locations, relations: relations, sizes: sizes)
    }
}

/// `RelationMention` with an order, so it can be voted like the other values.
struct RelationKey: Hashable, Sendable, Comparable, Codable, CodingKeyRepresentable {
    var mention: RelationMention

    init(_ mention: RelationMention) { self.mention = mention }

    var text: String {
        [mention.kind.rawValue, mention.color?.rawValue ?? "-", mention.type?.rawValue ?? "-"].joined(separator: " ")
    }

    static func < (a: Self, b: Self) -> Bool { a.text < b.text }

    var codingKey: any CodingKey { text.codingKey }

    init?<T: CodingKey>(codingKey: T) {
        let parts = codingKey.stringValue.split(separator: " ").map(String.init)
        guard parts.count == 3, let kind = RelationKind(rawValue: parts[0]) else { return nil }
        self.init(RelationMention(kind: kind, color: VehicleColor(rawValue: parts[1]), type: BodyType(rawValue: parts[2])))
    }
}

/// The typed parser behind the shared `QueryUnderstanding` interface: parse each description,
/// then vote. The default query understanding of Sightline.
public struct TypedUnderstanding: QueryUnderstanding {
    public var parser: DescriptionParser
    /// Counts a bare "car" as a sedan vote; off by default, since "car" is said of every body type.
    public var genericCarAsSedan: Bool

    public init(genericCarAsSedan: Bool = false) {
        self.parser = DescriptionParser()
        self.genericCarAsSedan = genericCarAsSedan
    }

    /// Parses and votes `descriptions` into the shared profile the ranking scores with.
    public func profile(of descriptions: [String]) -> QueryProfile {
        voted(descriptions).profile
    }

    /// The full voted reading, for explanations and the search API.
    public func voted(_ descriptions: [String], otherViews: [String] = [], otherViewWeight: Double = 0) -> VotedQuery {
        func parse(_ text: String) -> TypedQuery {
            var query = parser.parse(text)
            if genericCarAsSedan, query.target?.type == nil, query.target?.noun == "car" { query.target?.type = .sedan }
            return query
        }
        return VotedQuery(descriptions: descriptions.map(parse), otherViews: otherViews.map(parse), otherViewWeight: otherViewWeight)
    }
}
