import ArgumentParser
import SightlineLanguage
import SightlineRanking

/// Options shared by every command that ranks: which terms, which weights, which parser.
struct RankingOptions: ParsableArguments {
    @Option(help: "Comma-separated score terms to use (default: all). Known: \(Ranker.allTerms.map(\.name).joined(separator: ", ")).")
    var terms: String?

    @Option(help: "Term weights file (JSON with a 'weights' object, as fit-weights writes); --weight overrides it.")
    var weights: String?

    @Option(name: .customLong("weight"), help: "Override a term's weight, as name=value (repeatable).")
    var weightOverrides: [String] = []

    @Option(help: "Query understanding: 'typed' (the description parser) or 'keyword' (the first, keyword-spotting version).")
    var parser: ParserChoice = .typed

    enum ParserChoice: String, ExpressibleByArgument, CaseIterable {
        case typed, keyword
    }

    func validate() throws {
        _ = try termWeights()
    }

    func termWeights() throws -> RankingWeights {
        let known = Set(Ranker.allTerms.map(\.name))
        var weights = try self.weights.map { try RankingWeights.load(path: $0, known: known) } ?? RankingWeights.standard
        if let terms {
            let names = Set(terms.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            if let unknown = names.subtracting(known).sorted().first {
                throw ValidationError("--terms: unknown term '\(unknown)'; known terms: \(known.sorted().joined(separator: ", "))")
            }
            weights = weights.keeping(names)
        }
        for override in weightOverrides {
            let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, known.contains(parts[0]), let value = Double(parts[1]), value.isFinite else {
                throw ValidationError("--weight '\(override)': expected name=number with name one of \(known.sorted().joined(separator: ", "))")
            }
            weights[parts[0]] = value
        }
        return weights
    }

    func ranker() throws -> Ranker {
        let understanding: any QueryUnderstanding = switch parser {
        case .typed: TypedUnderstanding()
        case .keyword: KeywordUnderstanding()
        }
        return Ranker(weights: try termWeights(), understanding: understanding)
    }
}
