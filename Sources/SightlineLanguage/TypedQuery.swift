import SightlineData

/// A half-open range of character offsets (Swift `Character`s, i.e. grapheme clusters) in a
/// description, so a UI can highlight the words a field was read from.
public struct TextSpan: Sendable, Hashable, Codable, Comparable {
    public var start: Int
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// Number of characters covered.
    public var length: Int { end - start }

    /// The smallest span covering both.
    public func union(_ other: TextSpan) -> TextSpan {
        TextSpan(start: min(start, other.start), end: max(end, other.end))
    }

    /// The covered text, or nil when the span does not fit `text`.
    public func substring(of text: String) -> String? {
        guard start >= 0, start <= end,
              let lower = text.index(text.startIndex, offsetBy: start, limitedBy: text.endIndex),
              let upper = text.index(lower, offsetBy: end - start, limitedBy: text.endIndex)
        else { return nil }
        return String(text[lower..<upper])
    }

    public static func < (a: TextSpan, b: TextSpan) -> Bool {
        a.start == b.start ? a.end < b.end : a.start < b.start
    }
}

/// A shade word in front of a colour ("dark red", "light gray", "navy" is dark blue).
public enum ColorShade: String, CaseIterable, Codable, Sendable, Comparable {
    case dark, light, deep, bright, pale, metallic

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A size word about a vehicle, folded into three classes ("big", "huge", "large" are large).
public enum SizeClass: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case small, medium, large

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What kind of truck a description names; the shared `BodyType` only says `truck`.
public enum TruckKind: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case box, cargo, semi, tractor, mixer, tanker, flatbed, dump, delivery, container, tow, garbage, fire

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One colour named for a vehicle. `color` is nil for a bare shade ("a dark SUV").
public struct ColorMention: Sendable, Hashable, Codable {
    public var color: VehicleColor?
    public var shade: ColorShade?
    /// The words as written, lower-cased ("dark grey", "maroon").
    public var words: String
    public var span: TextSpan

    public init(color: VehicleColor?, shade: ColorShade? = nil, words: String, span: TextSpan) {
        self.color = color
        self.shade = shade
        self.words = words
        self.span = span
    }

    /// Shade and colour as one name ("dark blue"), used to keep colour variants apart in voting.
    public var name: String? {
        guard let color else { return nil }
        return shade.map { "\($0.rawValue) \(color.rawValue)" } ?? color.rawValue
    }
}

/// A noun phrase naming a vehicle: the target, or another vehicle in a relation.
public struct VehiclePhrase: Sendable, Hashable, Codable {
    public var colors: [ColorMention] = []
    public var type: BodyType?
    public var truckKind: TruckKind?
    public var size: SizeClass?
    /// The head noun as written ("suv", "car", "vehicles").
    public var noun: String = ""
    /// True for plural or group nouns ("cars", "traffic", "a line of cars").
    public var isPlural: Bool = false
    public var typeSpan: TextSpan?
    public var sizeSpan: TextSpan?
    /// The whole phrase, determiner included.
    public var span: TextSpan

    public init(span: TextSpan) { self.span = span }

    /// The first named colour: the one a description puts forward.
    public var color: VehicleColor? { colors.lazy.compactMap(\.color).first }
}

/// One motion of the target. `step` orders events in time ("turns left after stopping"
/// gives stop step 0, left turn step 1), which is not always the order of the words.
public struct MotionEvent: Sendable, Hashable, Codable {
    public var motion: Motion
    public var step: Int
    public var span: TextSpan

    public init(motion: Motion, step: Int, span: TextSpan) {
        self.motion = motion
        self.step = step
        self.span = span
    }
}

/// A place named for the target. `span` covers the place word, `phraseSpan` its noun phrase
/// ("a curvy road"), which the location augmentation repeats.
public struct LocationMention: Sendable, Hashable, Codable {
    public var location: Location
    public var span: TextSpan
    public var phraseSpan: TextSpan

    public init(location: Location, span: TextSpan, phraseSpan: TextSpan) {
        self.location = location
        self.span = span
        self.phraseSpan = phraseSpan
    }
}

/// Another vehicle and how the target relates to it: `.behind` means the target is behind `other`.
/// `isInverted` marks phrases where the other vehicle is the grammatical subject
/// ("with a black sedan behind it" gives `.inFrontOf`).
public struct TypedRelation: Sendable, Hashable, Codable {
    public var kind: RelationKind
    public var other: VehiclePhrase
    /// The relation words ("followed by", "behind").
    public var span: TextSpan
    public var isInverted: Bool

    public init(kind: RelationKind, other: VehiclePhrase, span: TextSpan, isInverted: Bool = false) {
        self.kind = kind
        self.other = other
        self.span = span
        self.isInverted = isInverted
    }

    /// The shared-vocabulary mention the ranking uses.
    public var mention: RelationMention {
        RelationMention(kind: kind, color: other.color, type: other.type)
    }
}

/// The typed reading of one description. Every field is optional or may be empty: a sentence
/// with nothing recognisable gives an empty query, never an error.
public struct TypedQuery: Sendable, Hashable, Codable {
    public var text: String
    public var target: VehiclePhrase?
    /// In time order (by `step`, then by position).
    public var motions: [MotionEvent] = []
    public var locations: [LocationMention] = []
    public var relations: [TypedRelation] = []

    public init(text: String) { self.text = text }

    public var color: VehicleColor? { target?.color }
    public var type: BodyType? { target?.type }

    /// The motions voted on, in time order, without repeats: a lane change with no side is
    /// left out, since no trajectory or term can check it.
    public var votedMotions: [Motion] {
        var seen = Set<Motion>()
        return motions.map(\.motion).filter { $0 != .laneChange && seen.insert($0).inserted }
    }

    public var isEmpty: Bool {
        target == nil && motions.isEmpty && locations.isEmpty && relations.isEmpty
    }
}
