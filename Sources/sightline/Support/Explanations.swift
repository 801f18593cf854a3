import Foundation
import SightlineData
import SightlineRanking

/// Writes `{query: [{track, total, terms: [{term, weight, score, value, reason}]}]}`.
enum Explanations {
    static func write(_ items: [(String, [ScoredTrack])], to url: URL) throws {
        let json = JSON.object(items.map { query, scored in
            (query, JSON.array(scored.map { s in
                JSON.object([
                    ("track", .string(s.track)),
                    ("total", .number(s.total)),
                    ("terms", .array(s.contributions.map { c in
                        JSON.object([
                            ("term", .string(c.term)), ("weight", .number(c.weight)), ("score", .number(c.score)),
                            ("value", .number(c.value)), ("reason", .string(c.reason)),
                        ])
                    })),
                ])
            }))
        })
        try AtomicFile.write(Data((json.serialized() + "\n").utf8), to: url)
    }
}
