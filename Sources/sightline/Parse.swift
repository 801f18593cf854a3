import ArgumentParser
import Foundation
import SightlineData
import SightlineLanguage

struct Parse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read descriptions into typed queries: target colour and type, motions, places, relations.",
        discussion: "With --stats, prints how many descriptions name each field and how often a query's descriptions agree on colour and type."
    )

    @Option(help: "CityFlow-NL query file (2021 or 2022 form).")
    var queries: String

    @Flag(help: "Print one JSON object per query.")
    var json = false

    @Flag(help: "Print coverage figures instead of parses.")
    var stats = false

    @Option(help: "Weight of nl_other_views descriptions in the vote (0 leaves them out).")
    var otherViewWeight = 0.0

    @Option(help: "Print only this many descriptions, drawn at random (with --seed).")
    var sample: Int?

    @Option(help: "Seed for --sample.")
    var seed: UInt64 = 1

    func run() async throws {
        let records = try QueryFile.load(from: URL(fileURLWithPath: queries))
        let understanding = TypedUnderstanding()
        if stats {
            print(Self.report(ParseCoverage(tracks: records.map(\.nl), parser: understanding.parser)))
            return
        }
        if let sample {
            var generator = SplitMix64(seed: seed)
            let all = records.flatMap { r in r.nl.map { (r.id, $0) } }
            let picked = (0..<min(sample, all.count)).map { _ in all[Int(generator.next() % UInt64(all.count))] }
            for (n, (id, text)) in picked.enumerated() {
                let q = understanding.parser.parse(text)
                print("[\(n + 1)] \(id)\n  \(text)\n" + indent(q.summary, by: 4))
            }
            return
        }
        if json {
            try printJSONLines(records.map { record in
                let voted = understanding.voted(record.nl, otherViews: record.otherViews, otherViewWeight: otherViewWeight)
                return ParsedQuery(id: record.id, voted: voted, augmentations: voted.descriptions.map(TextAugmentation.init))
            })
            return
        }
        for record in records {
            let voted = understanding.voted(record.nl, otherViews: record.otherViews, otherViewWeight: otherViewWeight)
            print(record.id)
            print(indent(voted.summary, by: 2))
            for q in voted.descriptions {
                print("  \"\(q.text)\"")
                print(indent(q.summary, by: 4))
            }
            print()
        }
    }

    static func report(_ c: ParseCoverage) -> String {
        func pct(_ n: Int, _ total: Int) -> String {
            String(format: "%5.1f%%  (%d of %d)", c.share(n, of: total) * 100, n, total)
        }
        func classes(_ counts: [String: Int]) -> String {
            Agreement.allCases.map { "\($0.rawValue) \(counts[$0.rawValue] ?? 0)" }.joined(separator: ", ")
        }
        let colorAgree = Int(clamping: (c.colorAgreeShare * Double(c.tracks)).rounded())
        let typeAgree = Int(clamping: (c.typeAgreeShare * Double(c.tracks)).rounded())
        return """
        descriptions \(c.descriptions), tracks \(c.tracks)
        with a colour      \(pct(c.withColor, c.descriptions))
        with a type        \(pct(c.withType, c.descriptions))
        with a motion      \(pct(c.withMotion, c.descriptions))
        with a location    \(pct(c.withLocation, c.descriptions))
        with a relation    \(pct(c.withRelation, c.descriptions))
        nothing recognised \(pct(c.empty, c.descriptions))
        tracks agreeing on colour \(pct(colorAgree, c.tracks))
          \(classes(c.colorAgreement))
        tracks agreeing on type   \(pct(typeAgree, c.tracks))
          \(classes(c.typeAgreement))
        agree: every description that names a colour (type) names the same one, and at least one names it.
        """
    }
}

private struct ParsedQuery: Encodable {
    var id: String
    var voted: VotedQuery
    var augmentations: [TextAugmentation]
}

private func indent(_ text: String, by n: Int) -> String {
    let pad = String(repeating: " ", count: n)
    return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
}
