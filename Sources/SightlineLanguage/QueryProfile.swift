import SightlineData

/// A share per value, voted across a query's descriptions: `shares[.red] == 2/3` means two of
/// three descriptions said red. Values no description named are absent.
public struct Vote<Value: Hashable & Sendable & Comparable & Codable & CodingKeyRepresentable>: Sendable, Equatable, Codable {
    public var shares: [Value: Double]

    public init(_ shares: [Value: Double] = [:]) { self.shares = shares }

    /// Counts each description's values once and divides by the number of descriptions.
    public init(counting perDescription: [Set<Value>]) {
        var counts: [Value: Double] = [:]
        for values in perDescription { for v in values { counts[v, default: 0] += 1 } }
        let n = Double(max(perDescription.count, 1))
        self.shares = counts.mapValues { $0 / n }
    }

    /// The value with the largest share (ties broken by name, so the result is stable).
    public var winner: Value? { shares.mostLikely }

    /// Share of the winner; 0 when nothing was named.
    public var confidence: Double { winner.flatMap { shares[$0] } ?? 0 }

    public var isEmpty: Bool { shares.isEmpty }

    public subscript(_ value: Value) -> Double { shares[value] ?? 0 }
}

extension Vote where Value == Motion {
    /// The path the descriptions vote for: straight, left or right turn, whichever has the largest
    /// share among those named (ties go to the later of straight, left, right); nil when none is named.
    public var saidTurn: Motion? {
        [Motion.straight, .leftTurn, .rightTurn].filter { self[$0] > 0 }.max { self[$0] < self[$1] }
    }
}

/// Another vehicle named in a description and how it relates to the target.
public struct RelationMention: Sendable, Equatable, Codable, Hashable, Comparable {
    public var kind: RelationKind
    public var color: VehicleColor?
    public var type: BodyType?

    public init(kind: RelationKind, color: VehicleColor? = nil, type: BodyType? = nil) {
        self.kind = kind
        self.color = color
        self.type = type
    }

    /// By kind, then colour, then type (absent first), so sums over mentions run in a fixed order.
    public static func < (a: Self, b: Self) -> Bool {
        (a.kind.rawValue, a.color?.rawValue ?? "", a.type?.rawValue ?? "") < (b.kind.rawValue, b.color?.rawValue ?? "", b.type?.rawValue ?? "")
    }
}

/// What a query (usually three descriptions of one vehicle) asks for, after voting.
/// This is the contract between language understanding and ranking.
public struct QueryProfile: Sendable, Equatable, Codable {
    public var colors: Vote<VehicleColor>
    public var types: Vote<BodyType>
    public var motions: Vote<Motion>
    public var locations: Vote<Location>
    /// Relations named by any description, with the share of descriptions naming each.
    public var relations: [RelationMention: Double]
    /// Size words (big, small, midsize) about the target; the keyword version leaves it empty.
    public var sizes: Vote<SizeClass>
    /// The learned model's unit embedding of the descriptions, when a caller computed one (the text
    /// tower runs outside language understanding); nil leaves the learned term at 0.
    public var learned: [Double]?

    public init(
        colors: Vote<VehicleColor> = .init(), types: Vote<BodyType> = .init(),
        motions: Vote<Motion> = .init(), locations: Vote<Location> = .init(),
        relations: [RelationMention: Double] = [:], sizes: Vote<SizeClass> = .init()
    ) {
        self.colors = colors
        self.types = types
        self.motions = motions
        self.locations = locations
        self.relations = relations
        self.sizes = sizes
    }

    /// Decodes profiles written before `sizes` existed as well.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        colors = try c.decode(Vote<VehicleColor>.self, forKey: .colors)
        types = try c.decode(Vote<BodyType>.self, forKey: .types)
        motions = try c.decode(Vote<Motion>.self, forKey: .motions)
        locations = try c.decode(Vote<Location>.self, forKey: .locations)
        relations = try c.decode([RelationMention: Double].self, forKey: .relations)
        sizes = try c.decodeIfPresent(Vote<SizeClass>.self, forKey: .sizes) ?? .init()
        learned = try c.decodeIfPresent([Double].self, forKey: .learned)
    }
}

/// Turns a query's descriptions into a voted profile. The keyword version is the first;
/// a deeper parser replaces it behind this interface.
public protocol QueryUnderstanding: Sendable {
    func profile(of descriptions: [String]) -> QueryProfile
}
