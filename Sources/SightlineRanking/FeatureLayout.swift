import SightlineData
import SightlineLanguage

/// Where each score term's features sit in the concatenated per-track vector the index
/// stores, and the version that names this layout. Query and track vectors of all terms are
/// laid end to end in term order.
public struct FeatureLayout: Sendable {
    public struct Slice: Sendable {
        public var term: any ScoreTerm
        public var range: Range<Int>
    }

    public let slices: [Slice]
    public let dimensions: Int
    /// Names the stored features: term names, dimension names and each term's parameters,
    /// condensed to a digest. Tracks of two versions cannot share an index.
    public let version: String
    /// Computes the learned term's track embeddings of a camera's tracks where features are stored
    /// (an index); nil leaves them 0.
    public let embedder: (any TrackEmbedder)?

    /// Bump when a feature is computed differently in a way `ScoreTerm.featureVersion` does not show.
    public static let revision = 1

    public init(terms: [any ScoreTerm], embedder: (any TrackEmbedder)? = nil) {
        self.embedder = embedder
        var slices: [Slice] = []
        var start = 0
        var text = "revision \(Self.revision)"
        for term in terms {
            let n = term.featureNames.count
            slices.append(Slice(term: term, range: start..<(start + n)))
            start += n
            text += "|\(term.name)[\(term.featureNames.joined(separator: ","))] \(term.featureVersion)"
        }
        self.slices = slices
        self.dimensions = start
        self.version = "features-r\(Self.revision)-\(terms.map(\.name).joined(separator: "+"))-\(Self.digest(text))"
    }

    /// The layout of `Ranker.allTerms`, the one every index stores.
    public static let standard = FeatureLayout(terms: Ranker.allTerms)

    /// `gallery` with the learned embeddings and readings of its tracks, when this layout has an embedder.
    public func withEmbeddings(_ gallery: Gallery) -> Gallery {
        guard let embedder else { return gallery }
        var out = gallery
        out.learned = embedder.embeddings(of: gallery.tracks, analysis: gallery.analysis)
        out.learnedReadings = embedder.probabilities(of: gallery.tracks, analysis: gallery.analysis)
        return out
    }

    /// The concatenated feature vector of one track.
    public func features(of track: Track, in gallery: Gallery) -> [Double] {
        var v: [Double] = []
        v.reserveCapacity(dimensions)
        for s in slices { v += s.term.trackFeatures(track, in: gallery) }
        return v
    }

    /// The concatenated query vector.
    public func queryVector(_ profile: QueryProfile) -> [Double] {
        var v: [Double] = []
        v.reserveCapacity(dimensions)
        for s in slices { v += s.term.queryVector(profile) }
        return v
    }

    /// The slice of a term by name.
    public func slice(named name: String) -> Slice? { slices.first { $0.term.name == name } }

    /// FNV-1a, 64 bits, as 16 hex digits: stable across runs and platforms (unlike `hashValue`).
    static func digest(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
