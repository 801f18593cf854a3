import SightlineData

/// First-version query understanding: keyword spotting per description, then voting.
/// Cheap and predictable; it ignores grammar, so a colour in a relation phrase
/// ("followed by a red car") only counts for the relation when it follows a relation word.
public struct KeywordUnderstanding: QueryUnderstanding {
    public init() {}

    public func profile(of descriptions: [String]) -> QueryProfile {
        let parsed = descriptions.map(Self.spot)
        var relationCounts: [RelationMention: Double] = [:]
        for p in parsed { for r in Set(p.relations) { relationCounts[r, default: 0] += 1 } }
        let n = Double(max(descriptions.count, 1))
        return QueryProfile(
            colors: Vote(counting: parsed.map { $0.color.map { [$0] } ?? [] }),
            types: Vote(counting: parsed.map { $0.type.map { [$0] } ?? [] }),
            motions: Vote(counting: parsed.map(\.motions)),
            locations: Vote(counting: parsed.map(\.locations)),
            relations: relationCounts.mapValues { $0 / n }
        )
    }

    struct Spotted {
        var color: VehicleColor?
        var type: BodyType?
        var motions: Set<Motion> = []
        var locations: Set<Location> = []
        var relations: [RelationMention] = []
    }

    static let colorWords: [String: VehicleColor] = [
        "white": .white, "black": .black, "gray": .gray, "grey": .gray, "silver": .silver,
        "red": .red, "maroon": .red, "blue": .blue, "green": .green, "yellow": .yellow,
        "orange": .orange, "brown": .brown, "gold": .gold, "golden": .gold, "purple": .purple,
        "beige": .beige, "tan": .beige,
    ]
    static let typeWords: [String: BodyType] = [
        "sedan": .sedan, "car": .sedan, "suv": .suv, "crossover": .suv, "jeep": .suv,
        "pickup": .pickup, "van": .van, "minivan": .minivan, "mpv": .minivan,
        "hatchback": .hatchback, "wagon": .wagon, "coupe": .coupe, "bus": .bus,
        "truck": .truck, "trucks": .truck, "semi": .truck,
    ]
    static let relationPhrases: [([String], RelationKind)] = [
        (["followed", "by"], .followedBy), (["following"], .following), (["follows"], .following),
        (["behind"], .behind), (["in", "front", "of"], .inFrontOf), (["next", "to"], .nextTo),
        (["alongside"], .alongside), (["passing"], .passing), (["passes"], .passing),
        (["leads"], .leading), (["leading"], .leading),
    ]

    /// Lower-cased words, with "pick-up" / "pick up" joined into "pickup".
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch.isLetter || ch.isNumber { current.append(ch) } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        var joined: [String] = []
        var i = 0
        while i < out.count {
            if out[i] == "pick", i + 1 < out.count, out[i + 1] == "up" {
                joined.append("pickup")
                i += 2
            } else {
                joined.append(out[i])
                i += 1
            }
        }
        return joined
    }

    static func spot(_ text: String) -> Spotted {
        let w = words(text)
        var s = Spotted()
        let firstRelation = relationStart(in: w) ?? w.count
        for word in w[..<firstRelation] {
            if s.color == nil, let c = colorWords[word] { s.color = c }
            if s.type == nil, word != "car", let t = typeWords[word] { s.type = t }
        }
        if s.type == nil, w[..<firstRelation].contains("car") { s.type = .sedan }
        let joined = " " + w.joined(separator: " ") + " "
        func has(_ phrases: String...) -> Bool { phrases.contains { joined.contains(" \($0) ") } }
        if has("left") && has("turn", "turns", "turning", "turned", "makes a left", "make a left") { s.motions.insert(.leftTurn) }
        if has("right") && has("turn", "turns", "turning", "turned", "makes a right", "make a right") { s.motions.insert(.rightTurn) }
        if has("straight", "goes through", "drives through", "crosses", "passes through", "going through") { s.motions.insert(.straight) }
        if has("stop", "stops", "stopped", "waits", "waiting", "wait", "parked", "stopping") { s.motions.insert(.stop) }
        if has("changes lane", "change lane", "changes lanes", "switches lane", "changing lanes", "lane change") {
            s.motions.insert(has("left") ? .laneChangeLeft : .laneChangeRight)
        }
        if has("intersection", "crossing", "junction", "crossroad", "crossroads") { s.locations.insert(.intersection) }
        if has("highway", "freeway", "expressway", "interstate") { s.locations.insert(.highway) }
        if has("street", "road") { s.locations.insert(.street) }
        if has("parking lot", "parking") { s.locations.insert(.parkingLot) }
        if has("ramp") { s.locations.insert(.ramp) }
        var i = 0
        while i < w.count {
            if let (length, kind) = relationPhrases.lazy.compactMap({ p in Array(w[i...].prefix(p.0.count)) == p.0 ? (p.0.count, p.1) : nil }).first {
                var mention = RelationMention(kind: kind)
                for word in w[(i + length)...].prefix(5) {
                    if mention.color == nil, let c = colorWords[word] { mention.color = c }
                    if mention.type == nil, let t = typeWords[word] { mention.type = t }
                }
                s.relations.append(mention)
                i += length
            } else {
                i += 1
            }
        }
        return s
    }

    static func relationStart(in words: [String]) -> Int? {
        for i in words.indices {
            for (phrase, _) in relationPhrases where Array(words[i...].prefix(phrase.count)) == phrase { return i }
        }
        return nil
    }
}
