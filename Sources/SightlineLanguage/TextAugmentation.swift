import SightlineData

/// The three text augmentations of SSM (AI City 2022): repeat one kind of information so a
/// text encoder weighs it more. Built from the typed parse's spans, so they quote the
/// description's own words.
public struct TextAugmentation: Sendable, Hashable, Codable {
    /// Target noun phrase first: "A white sedan. A white sedan turns left at an intersection."
    public var subject: String
    /// Motion words repeated at the end: "A white sedan turns left at an intersection. turns left."
    public var motion: String
    /// Place phrase repeated at the end: "A white sedan turns left at an intersection. an intersection."
    public var location: String

    /// Augments one parsed description; a part with nothing to repeat is the original text.
    public init(_ query: TypedQuery) {
        let text = query.text
        let sentence = Self.sentence(text)
        subject = query.target.flatMap { $0.span.substring(of: text) }.map { "\($0). \(text)" } ?? text
        let motionWords = query.motions.sorted { $0.span < $1.span }.compactMap { $0.span.substring(of: text) }
        motion = motionWords.isEmpty ? text : "\(sentence) \(motionWords.joined(separator: " "))."
        let place = query.locations.first.flatMap { $0.phraseSpan.substring(of: text) }
        location = place.map { "\(sentence) \($0)." } ?? text
    }

    /// SSM's track-level motion keyword: "left" or "right" when any description turns that way,
    /// otherwise "straight".
    public static func motionKeyword(_ voted: VotedQuery) -> String {
        if voted.motions[.leftTurn] > 0 { return "left" }
        if voted.motions[.rightTurn] > 0 { return "right" }
        return "straight"
    }

    /// SSM's track-level place keyword: "intersection" when any description names one.
    public static func locationKeyword(_ voted: VotedQuery) -> String? {
        voted.locations[.intersection] > 0 ? "intersection" : nil
    }

    static func sentence(_ text: String) -> String {
        let trimmed = String(text.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
        guard let last = trimmed.last else { return trimmed }
        return ".!?".contains(last) ? trimmed : trimmed + "."
    }
}

extension TextAugmentation {
    /// The description of the same scene seen in a mirror: "left" and "right" swapped, case kept,
    /// so that a mirrored trajectory keeps a matching text.
    public static func mirrored(_ text: String) -> String {
        var out = ""
        var word = ""
        func flush() {
            let swapped: String? = switch word.lowercased() {
            case "left": "right"
            case "right": "left"
            case "lefts": "rights"
            case "rights": "lefts"
            default: nil
            }
            if let swapped {
                out += word.first?.isUppercase == true ? swapped.prefix(1).uppercased() + swapped.dropFirst() : swapped
            } else {
                out += word
            }
            word = ""
        }
        for character in text {
            if character.isLetter { word.append(character) } else { flush(); out.append(character) }
        }
        flush()
        return out
    }
}
