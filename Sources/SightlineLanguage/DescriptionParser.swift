import SightlineData

/// Reads one English description into a `TypedQuery`: the target vehicle (first vehicle noun
/// phrase), its motions in time order, places, and other vehicles with their relation.
/// Rule-based over the `Lexicon`, linear in the text length, and total: unknown words are skipped.
public struct DescriptionParser: Sendable {
    public init() {}

    /// The typed reading of `text`; an empty query when nothing is recognised.
    public func parse(_ text: String) -> TypedQuery {
        var reading = Reading(items: Self.lex(Self.tokenize(text)))
        reading.run()
        var query = TypedQuery(text: text)
        query.target = reading.target
        query.relations = reading.relations
        query.motions = reading.motions
        query.locations = reading.locations
        return query
    }

    struct Token {
        var text: String
        var span: TextSpan
        var isPunctuation: Bool
    }

    struct Item {
        var lexeme: Lexeme
        var words: String
        var span: TextSpan
    }

    static func tokenize(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var current = ""
        var start = 0
        var offset = 0
        func flush() {
            guard !current.isEmpty else { return }
            let lower = current.lowercased()
            tokens.append(Token(text: Lexicon.spelling[lower] ?? lower, span: TextSpan(start: start, end: offset), isPunctuation: false))
            current = ""
        }
        for ch in text {
            if ch.isLetter || ch.isNumber {
                if current.isEmpty { start = offset }
                current.append(ch)
            } else {
                flush()
                if ".,;:!?/()".contains(ch) {
                    tokens.append(Token(text: String(ch), span: TextSpan(start: offset, end: offset + 1), isPunctuation: true))
                }
            }
            offset += 1
        }
        flush()
        return tokens
    }

    static func lex(_ tokens: [Token]) -> [Item] {
        var items: [Item] = []
        items.reserveCapacity(tokens.count)
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if token.isPunctuation {
                items.append(Item(lexeme: token.text == "/" ? .conjunction : .punctuation, words: token.text, span: token.span))
                i += 1
                continue
            }
            var matched = false
            for (words, lexeme) in Lexicon.table[token.text] ?? [] where i + words.count <= tokens.count {
                guard (0..<words.count).allSatisfy({ !tokens[i + $0].isPunctuation && tokens[i + $0].text == words[$0] }) else { continue }
                let last = tokens[i + words.count - 1]
                items.append(Item(lexeme: lexeme, words: words.joined(separator: " "), span: token.span.union(last.span)))
                i += words.count
                matched = true
                break
            }
            if !matched {
                items.append(Item(lexeme: .word, words: token.text, span: token.span))
                i += 1
            }
        }
        resolveAmbiguous(&items)
        return items
    }

    /// Words whose role depends on their neighbours.
    static func resolveAmbiguous(_ items: inout [Item]) {
        for i in items.indices {
            let next = i + 1 < items.count ? items[i + 1].lexeme : .punctuation
            let previous = i > 0 ? items[i - 1].lexeme : .punctuation
            switch items[i].words {
            case "light":
                if case .color = next { continue }
                if case .determiner = previous { items[i].lexeme = .location(.intersection) } else { items[i].lexeme = .word }
            case "parked":
                items[i].lexeme = next.isNounPhrasePart ? .determiner(plural: false) : .motion(.stop)
            case "parking":
                if case .determiner = previous { items[i].lexeme = .location(.parkingLot) }
                if case .relation = previous { items[i].lexeme = .location(.parkingLot) }
            case "mini":
                items[i].lexeme = next.isNounPhrasePart ? .size(.small) : .body(.hatchback, nil)
            case let word where Lexicon.brands.contains(word):
                if !next.isNounPhrasePart { items[i].lexeme = .generic(plural: false) }
            default:
                continue
            }
        }
    }
}

extension Lexeme {
    var isNounPhrasePart: Bool {
        switch self {
        case .color, .shade, .body, .truckKind, .generic, .size, .determiner, .filler: true
        default: false
        }
    }

    var isDeterminer: Bool {
        if case .determiner = self { true } else { false }
    }

    var isHead: Bool {
        switch self {
        case .body, .generic: true
        default: false
        }
    }

    var isClauseBoundary: Bool {
        switch self {
        case .punctuation, .conjunction, .sequencer, .relative: true
        default: false
        }
    }
}

/// One vehicle noun phrase found in the item list.
struct Chunk {
    var first: Int
    var last: Int
    var phrase: VehiclePhrase
}

/// The working state of one parse.
struct Reading {
    let items: [Item]
    var chunks: [Chunk] = []
    var chunkStarting: [Int: Int] = [:]
    var targetChunk: Int?
    var target: VehiclePhrase?
    var relations: [TypedRelation] = []
    var motions: [MotionEvent] = []
    var locations: [LocationMention] = []
    var objectChunks = Set<Int>()
    /// Objects of the target's own relation verbs; the target's clause goes on after them.
    var forwardObjects = Set<Int>()
    /// The target chunk and chunks merged into it ("the vehicle is a pickup truck").
    var targetChunks = Set<Int>()
    var unusedPassing: [Int] = []
    var afterMarkers = Set<Int>()
    var othersClause: [Bool]

    typealias Item = DescriptionParser.Item

    init(items: [Item]) {
        self.items = items
        self.othersClause = Array(repeating: false, count: items.count)
    }

    mutating func run() {
        findChunks()
        findForwardRelations()
        targetChunk = chunks.indices.first { !objectChunks.contains($0) }
        if let t = targetChunk {
            targetChunks.insert(t)
            mergeCopula(t)
            target = chunks[t].phrase
        }
        findBackwardRelations()
        markOthersClauses()
        findMotions()
        findLocations()
        relations.sort { $0.span < $1.span }
    }

    // MARK: noun phrases

    /// Finds the vehicle noun phrases: modifiers gathered word by word until a head noun closes
    /// a chunk; a description that opens with modifiers and no head ("white, turning left")
    /// keeps them as a headless chunk.
    mutating func findChunks() {
        var pending = PendingPhrase()
        var headless: Chunk?
        var i = 0
        while i < items.count {
            switch items[i].lexeme {
            case .body, .generic:
                i = appendChunk(headAt: i, pending) + 1
                pending = PendingPhrase()
            default:
                let next = i + 1 < items.count ? items[i + 1].lexeme : .punctuation
                if !pending.read(items[i], at: i, next: next) {
                    headless = headless ?? headlessChunk(pending, before: i)
                    pending = PendingPhrase()
                }
                i += 1
            }
        }
        if let headless = headless ?? headlessChunk(pending, before: i) {
            if let first = chunks.first, first.phrase.colors.isEmpty, first.first <= headless.last + 3 {
                chunks[0] = Self.merge(headless, first)
            } else {
                chunks.insert(headless, at: 0)
            }
        }
        for (c, chunk) in chunks.enumerated() { chunkStarting[chunk.first] = c }
    }

    /// The modifiers read before a head noun.
    struct PendingPhrase {
        var start: Int?
        var colors: [ColorMention] = []
        var pendingShade: (ColorShade, Item)?
        var size: (SizeClass, TextSpan)?
        var truckKind: TruckKind?
        var plural = false
        var unknownRun = 0

        /// Takes one word that is not a head noun; false when it ends the phrase.
        mutating func read(_ item: Item, at i: Int, next: Lexeme) -> Bool {
            defer { if case .word = item.lexeme {} else { unknownRun = 0 } }
            switch item.lexeme {
            case .determiner(let p):
                plural = plural || p
            case .filler:
                break
            case .shade(let shade):
                if case .color = next {
                    pendingShade = (shade, item)
                } else if next.isNounPhrasePart {
                    if shade == .dark || shade == .light {
                        colors.append(ColorMention(color: nil, shade: shade, words: item.words, span: item.span))
                    }
                } else {
                    return false
                }
            case .color(let color, let shade):
                let words = pendingShade.map { "\($0.1.words) \(item.words)" } ?? item.words
                let span = pendingShade.map { $0.1.span.union(item.span) } ?? item.span
                colors.append(ColorMention(color: color, shade: pendingShade?.0 ?? shade, words: words, span: span))
                pendingShade = nil
            case .size(let s):
                size = (s, item.span)
            case .truckKind(let k):
                truckKind = k
            case .conjunction where !colors.isEmpty:
                switch next {
                case .color, .shade: return true
                default: return false
                }
            case .word where start != nil:
                unknownRun += 1
                return unknownRun <= 1
            default:
                return false
            }
            if start == nil { start = i }
            return true
        }

        /// The fields read so far, as a phrase over `span`.
        func phrase(span: TextSpan) -> VehiclePhrase {
            var phrase = VehiclePhrase(span: span)
            phrase.colors = colors
            phrase.size = size?.0
            phrase.sizeSpan = size?.1
            return phrase
        }
    }

    /// The modifiers that open the description with no head noun after them, as a chunk over
    /// the words before `end`; nil once a chunk exists or when they name no colour or truck.
    func headlessChunk(_ pending: PendingPhrase, before end: Int) -> Chunk? {
        guard chunks.isEmpty, pending.start == 0, !pending.colors.isEmpty || pending.truckKind != nil, end > 0 else { return nil }
        var phrase = pending.phrase(span: items[0].span.union(items[end - 1].span))
        if pending.truckKind != nil { phrase.type = .truck; phrase.truckKind = pending.truckKind }
        return Chunk(first: 0, last: end - 1, phrase: phrase)
    }

    /// Closes the phrase whose head noun starts at `i` (absorbing the head words that follow) and
    /// appends it, merged into the previous chunk when they touch; returns the last head index.
    mutating func appendChunk(headAt i: Int, _ pending: PendingPhrase) -> Int {
        let first = pending.start ?? i
        var phrase = pending.phrase(span: items[first].span.union(items[i].span))
        phrase.isPlural = pending.plural
        var last = i
        var j = i
        while j < items.count, items[j].lexeme.isHead {
            absorbHead(items[j], into: &phrase)
            last = j
            j += 1
        }
        if phrase.type == .truck, phrase.truckKind == nil { phrase.truckKind = pending.truckKind }
        if phrase.type == nil, pending.truckKind != nil { phrase.type = .truck; phrase.truckKind = pending.truckKind }
        phrase.span = phrase.span.union(items[last].span)
        if let previous = chunks.last, !items[first].lexeme.isDeterminer,
           previous.last == first - 1 || (previous.last == first - 2 && Lexicon.brands.contains(previous.phrase.noun)) {
            chunks[chunks.count - 1] = Self.merge(previous, Chunk(first: first, last: last, phrase: phrase))
        } else {
            chunks.append(Chunk(first: first, last: last, phrase: phrase))
        }
        return last
    }

    /// Two touching phrases are one ("a hatchback grey car"): the first keeps its fields, the second fills gaps.
    static func merge(_ a: Chunk, _ b: Chunk) -> Chunk {
        var phrase = a.phrase
        phrase.colors += b.phrase.colors
        if phrase.type == nil {
            phrase.type = b.phrase.type
            phrase.truckKind = b.phrase.truckKind
            phrase.typeSpan = b.phrase.typeSpan
        }
        if phrase.size == nil { phrase.size = b.phrase.size; phrase.sizeSpan = b.phrase.sizeSpan }
        phrase.isPlural = phrase.isPlural || b.phrase.isPlural
        phrase.span = a.phrase.span.union(b.phrase.span)
        return Chunk(first: a.first, last: b.last, phrase: phrase)
    }

    func absorbHead(_ item: Item, into phrase: inout VehiclePhrase) {
        switch item.lexeme {
        case .body(let type, let kind):
            if phrase.type == nil || (phrase.type == .truck && phrase.truckKind == nil && kind != nil) {
                phrase.type = type
                phrase.truckKind = kind
                phrase.typeSpan = item.span
                phrase.noun = item.words
            }
            if item.words.hasSuffix("s"), ["trucks", "buses"].contains(item.words) { phrase.isPlural = true }
        case .generic(let plural):
            if phrase.noun.isEmpty { phrase.noun = item.words }
            phrase.isPlural = phrase.isPlural || plural
        default:
            break
        }
    }

    /// "The vehicle is a pickup truck": the copula's complement describes the target.
    mutating func mergeCopula(_ t: Int) {
        let after = chunks[t].last + 1
        guard chunks[t].phrase.type == nil, after + 1 < items.count,
              ["is", "was"].contains(items[after].words),
              let c = chunkStarting[after + 1], !objectChunks.contains(c) else { return }
        let other = chunks[c].phrase
        chunks[t].phrase.type = other.type
        chunks[t].phrase.truckKind = other.truckKind
        chunks[t].phrase.typeSpan = other.typeSpan
        if chunks[t].phrase.colors.isEmpty { chunks[t].phrase.colors = other.colors }
        if chunks[t].phrase.size == nil { chunks[t].phrase.size = other.size; chunks[t].phrase.sizeSpan = other.sizeSpan }
        objectChunks.insert(c)
        targetChunks.insert(c)
    }

    // MARK: relations

    /// The item where a relation's vehicle phrase should start, past adverbs and stacked
    /// relation words ("follows closely behind a truck").
    func objectStart(after r: Int) -> Int {
        var j = r + 1
        var skipped = 0
        while j < items.count, skipped < 3 {
            let item = items[j]
            if case .relation = item.lexeme {} else if !Lexicon.relationAdverbs.contains(item.words) { break }
            j += 1
            skipped += 1
        }
        return j
    }

    mutating func findForwardRelations() {
        var r = 0
        while r < items.count {
            guard case .relation(let kind) = items[r].lexeme else { r += 1; continue }
            let j = objectStart(after: r)
            if let c = chunkStarting[j], !objectChunks.contains(c) {
                if !negated(chunks[c].first + 1) {
                    relations.append(TypedRelation(kind: bareFollowed(r) ? .followedBy : kind, other: chunks[c].phrase, span: items[r].span))
                }
                objectChunks.insert(c)
                let clauseOfItsOwn = items[r].words == "after" && cue(chunks[c].last + 1) != nil
                if !clauseOfItsOwn { forwardObjects.insert(c) }
                r = chunks[c].last + 1
                continue
            }
            if items[r].words == "after" { afterMarkers.insert(r) }
            if kind == .passing { unusedPassing.append(r) }
            r = max(j, r + 1)
        }
    }

    /// "runs down the street followed another vehicle": a bare "followed" away from the
    /// subject is a dropped "by" (common in the data); right after the subject it is active.
    func bareFollowed(_ r: Int) -> Bool {
        guard items[r].words == "followed" else { return false }
        return !(chunks.first.map { $0.last == r - 1 } ?? false)
    }

    /// "with a black sedan behind it": the vehicle before the relation word is the subject.
    mutating func findBackwardRelations() {
        guard let t = targetChunk else { return }
        var lastChunk: Int?
        var nextChunk = 0
        for r in items.indices {
            while nextChunk < chunks.count, chunks[nextChunk].last < r {
                lastChunk = nextChunk
                nextChunk += 1
            }
            guard case .relation(let kind) = items[r].lexeme, let c = lastChunk, c > t, !objectChunks.contains(c) else { continue }
            let j = objectStart(after: r)
            let following = j < items.count ? items[j].lexeme : .punctuation
            let pointsBack: Bool
            if case .pronoun = following {
                pointsBack = true
            } else {
                pointsBack = (kind == .behind || kind == .inFrontOf) && following.isClauseBoundary
            }
            guard pointsBack, !negated(chunks[c].first + 1) else { continue }
            relations.append(TypedRelation(kind: Self.inverse(kind), other: chunks[c].phrase, span: items[r].span, isInverted: true))
            objectChunks.insert(c)
        }
    }

    static func inverse(_ kind: RelationKind) -> RelationKind {
        switch kind {
        case .behind: .inFrontOf
        case .inFrontOf: .behind
        case .following, .leading: .followedBy
        case .followedBy: .following
        case .passing, .alongside: .alongside
        case .nextTo: .nextTo
        }
    }

    /// Motion words right after another vehicle ("cars parked", "a van that turns left")
    /// describe that vehicle, up to the end of the clause.
    mutating func markOthersClauses() {
        for (c, chunk) in chunks.enumerated() where !targetChunks.contains(c) {
            var j = chunk.last + 1
            guard j < items.count else { continue }
            switch items[j].lexeme {
            case .relative: break
            case .motion where !forwardObjects.contains(c): break
            case .word where ["is", "are", "was", "were"].contains(items[j].words) && !forwardObjects.contains(c): break
            default: continue
            }
            let end = chunks.indices.contains(c + 1) ? chunks[c + 1].first : items.count
            while j < end {
                if case .relative = items[j].lexeme {} else if items[j].lexeme.isClauseBoundary { break }
                othersClause[j] = true
                j += 1
            }
        }
    }

    // MARK: motions

    func cue(_ i: Int) -> MotionCue? {
        guard i >= 0, i < items.count, !othersClause[i], case .motion(let cue) = items[i].lexeme else { return nil }
        return cue
    }

    /// A direction shortly after `i`, with only gap words between; nil when the direction names a side.
    func direction(after i: Int, gap: Set<String>, limit: Int) -> (Int, Bool)? {
        var j = i + 1
        while j < items.count, j <= i + limit {
            switch cue(j) {
            case .left?, .right?:
                let side = j + 1 < items.count && Lexicon.sideNouns.contains(items[j + 1].words)
                return side ? nil : (j, cue(j) == .left)
            default:
                break
            }
            if case .determiner = items[j].lexeme {} else if !gap.contains(items[j].words) { return nil }
            j += 1
        }
        return nil
    }

    /// Lane-change side and whether a lane word is present, within the same clause.
    func laneChange(from i: Int) -> (side: Bool?, hasLane: Bool, end: Int) {
        var side: Bool?
        var hasLane = false
        var end = i
        var j = i + 1
        while j < items.count, j <= i + 6, !items[j].lexeme.isClauseBoundary, cue(j) != .turnVerb, cue(j) != .takeVerb {
            switch cue(j) {
            case .left? where side == nil: side = true; end = j
            case .right? where side == nil: side = false; end = j
            case .lane?: hasLane = true; end = max(end, j)
            default: break
            }
            j += 1
        }
        return (side, hasLane, end)
    }

    func isPlace(_ i: Int) -> Bool {
        if case .location = items[i].lexeme { true } else { false }
    }

    func negated(_ i: Int) -> Bool {
        (max(0, i - 2)..<i).contains { if case .negation = items[$0].lexeme { true } else { false } }
    }

    mutating func findMotions() {
        var found: [(Motion, TextSpan, Bool)] = []
        var used = Set<Int>()
        var throughCandidates: [TextSpan] = []
        var afterPending = false
        func add(_ m: Motion, _ from: Int, _ to: Int) {
            found.append((m, items[from].span.union(items[to].span), afterPending))
            afterPending = false
            used.formUnion(from...to)
        }
        for r in unusedPassing where !othersClause[r] {
            if let j = (r + 1..<min(r + 4, items.count)).first(where: isPlace) {
                throughCandidates.append(items[r].span.union(items[j].span))
            }
        }
        for i in items.indices where !used.contains(i) {
            if afterMarkers.contains(i) { afterPending = true; continue }
            guard let c = cue(i) else { continue }
            switch c {
            case .turnVerb, .takeVerb, .goVerb:
                let gap: Set<String> = c == .goVerb ? ["to", "the"] : Lexicon.turnGap
                if let (d, left) = direction(after: i, gap: gap, limit: c == .goVerb ? 3 : 4) {
                    var end = d
                    if cue(d + 1) == .turnVerb { end = d + 1 }
                    add(left ? .leftTurn : .rightTurn, i, end)
                    // "turns left and right": the second direction is a second turn.
                    if end + 1 < items.count, ["and", "then"].contains(items[end + 1].words),
                       let (d2, left2) = direction(after: end + 1, gap: ["then"], limit: 2), left2 != left {
                        add(left2 ? .leftTurn : .rightTurn, d2, d2)
                    }
                }
            case .left, .right:
                if cue(i + 1) == .turnVerb { add(c == .left ? .leftTurn : .rightTurn, i, i + 1) }
            case .laneVerb, .laneChange:
                let lane = laneChange(from: i)
                if lane.hasLane || lane.side != nil || c == .laneChange {
                    add(lane.side.map { $0 ? .laneChangeLeft : .laneChangeRight } ?? .laneChange, i, lane.end)
                }
            case .moveVerb:
                let lane = laneChange(from: i)
                if lane.hasLane, let side = lane.side { add(side ? .laneChangeLeft : .laneChangeRight, i, lane.end) }
            case .straight:
                add(.straight, i, i)
            case .through:
                if let j = (i + 1..<min(i + 4, items.count)).first(where: isPlace) {
                    throughCandidates.append(items[i].span.union(items[j].span))
                } else if i + 1 < items.count, case .pronoun = items[i + 1].lexeme {
                    throughCandidates.append(items[i].span.union(items[i + 1].span))
                }
            case .stop, .slow, .reverse, .uTurn:
                guard !negated(i) else { continue }
                let motion: Motion = switch c {
                case .stop: .stop
                case .slow: .slowDown
                case .reverse: .reverse
                default: .uTurn
                }
                add(motion, i, i)
            case .lane:
                break
            }
        }
        let turns: Set<Motion> = [.leftTurn, .rightTurn, .uTurn]
        if !found.contains(where: { turns.contains($0.0) || $0.0 == .straight }), let first = throughCandidates.min() {
            found.append((.straight, first, false))
            found.sort { $0.1 < $1.1 }
        }
        var ordered: [(Motion, TextSpan)] = []
        for (motion, span, happenedBefore) in found {
            if happenedBefore, !ordered.isEmpty {
                ordered.insert((motion, span), at: ordered.count - 1)
            } else {
                ordered.append((motion, span))
            }
        }
        var events: [MotionEvent] = []
        for (motion, span) in ordered where events.last?.motion != motion {
            events.append(MotionEvent(motion: motion, step: events.count, span: span))
        }
        motions = events
    }

    // MARK: places

    mutating func findLocations() {
        for i in items.indices {
            guard case .location(let place) = items[i].lexeme else { continue }
            var start = i
            var j = i - 1
            while j >= 0, j >= i - 3 {
                let item = items[j]
                let extends: Bool = switch item.lexeme {
                case .determiner, .size, .filler, .location, .motion(.lane): true
                case .word: !Lexicon.placeBoundaries.contains(item.words)
                default: false
                }
                guard extends else { break }
                start = j
                j -= 1
            }
            var end = i
            while end + 1 < items.count, end < i + 2, isPlace(end + 1) { end += 1 }
            locations.append(LocationMention(location: place, span: items[i].span, phraseSpan: items[start].span.union(items[end].span)))
        }
    }
}
