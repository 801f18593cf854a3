import SightlineData

/// One-line readable forms of parses and votes, for explanations and the `parse` command.
extension VehiclePhrase {
    /// "dark red large truck(box)", or the head noun when nothing is typed.
    public var summary: String {
        var parts = colors.map { $0.name ?? $0.words }
        if let size { parts.append(size.rawValue) }
        if let type {
            parts.append(truckKind.map { "\(type.rawValue)(\($0.rawValue))" } ?? type.rawValue)
        } else {
            parts.append(noun.isEmpty ? "vehicle" : noun)
        }
        return parts.joined(separator: " ")
    }
}

extension TypedQuery {
    /// Field-by-field reading with the quoted source words.
    public var summary: String {
        func quote(_ span: TextSpan) -> String { "\"\(span.substring(of: text) ?? "")\"" }
        var lines: [String] = []
        if let target { lines.append("target: \(target.summary) \(quote(target.span))") }
        if !motions.isEmpty {
            lines.append("motion: " + motions.map { "\($0.step + 1).\($0.motion.rawValue) \(quote($0.span))" }.joined(separator: " → "))
        }
        if !locations.isEmpty {
            lines.append("location: " + locations.map { "\($0.location.rawValue) \(quote($0.phraseSpan))" }.joined(separator: ", "))
        }
        for r in relations {
            lines.append("relation: \(r.kind.rawValue) \(r.other.summary) \(quote(r.span))…\(quote(r.other.span))")
        }
        return lines.isEmpty ? "(nothing recognised)" : lines.joined(separator: "\n")
    }
}

extension Vote {
    func summary(naming name: (Value) -> String) -> String {
        let ordered = (winner.map { [$0] } ?? []) + alternatives
        return ordered.isEmpty ? "-" : ordered.map { "\(name($0)) \(String(format2: self[$0]))" }.joined(separator: ", ")
    }
}

extension Vote where Value: RawRepresentable, Value.RawValue == String {
    /// "gray 0.67, silver 0.33", winner first.
    public var summary: String { summary(naming: \.rawValue) }
}

extension Vote where Value == String {
    /// "dark blue 0.67, blue 0.33", winner first.
    public var summary: String { summary(naming: { $0 }) }
}

extension VotedQuery {
    /// The voted reading in one line per field.
    public var summary: String {
        let relationText = relations.sorted { $0.value == $1.value ? RelationKey($0.key) < RelationKey($1.key) : $0.value > $1.value }
            .map { "\($0.key.kind.rawValue) \($0.key.color?.rawValue ?? "-") \($0.key.type?.rawValue ?? "-") \(String(format2: $0.value))" }
        return [
            "colour: \(colors.summary) [\(colorAgreement.rawValue)]  shades: \(colorNames.summary)",
            "type: \(types.summary) [\(typeAgreement.rawValue)]" + (truckKinds.isEmpty ? "" : "  truck: \(truckKinds.summary)")
                + (sizes.isEmpty ? "" : "  size: \(sizes.summary)"),
            "motion: \(motions.summary)",
            "location: \(locations.summary)",
            "relations: \(relationText.isEmpty ? "-" : relationText.joined(separator: ", "))",
        ].joined(separator: "\n")
    }
}

extension String {
    /// Two decimals without Foundation.
    init(format2 value: Double) {
        let hundredths = Int(clamping: (value * 100).rounded())
        let fraction = hundredths % 100
        self = "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
