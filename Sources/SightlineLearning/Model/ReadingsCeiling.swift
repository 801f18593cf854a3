import Foundation
import SightlineData
import SightlineLanguage

/// The retrieval a perfect trajectory reader would reach: each track's readings (path, stop, waits
/// at an intersection) taken from its own descriptions, as `TrackReadings.labels` reads them, and
/// every track ranked for a query by how many of the query's readings it shares, ties in random
/// order. What a track side that sees only these readings can at best do, however it is trained.
public enum ReadingsCeiling {
    /// One ranking per query, the query being each described track's own `nl`; `seed` orders the ties.
    public static func submission(tracks: [Track], seed: UInt64) -> Submission {
        let understanding = TypedUnderstanding()
        let labels = tracks.map { TrackReadings.labels(understanding.profile(of: $0.nl)) }
        var generator = SplitMix64(seed: seed)
        return Submission(rankings: tracks.indices.filter { !tracks[$0].nl.isEmpty }.map { q in
            let wanted = labels[q].compactMap { reading, label in label.map { (reading, $0) } }
            let scored = tracks.indices.shuffled(using: &generator).map { s in
                (id: tracks[s].id, shared: wanted.filter { labels[s][$0.0] ?? nil == $0.1 }.count)
            }
            return (tracks[q].id, scored.enumerated().sorted { a, b in
                a.element.shared != b.element.shared ? a.element.shared > b.element.shared : a.offset < b.offset
            }.map(\.element.id))
        })
    }
}
