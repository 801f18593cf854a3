import SightlineData
import SightlineLanguage
import SightlineTracks

/// Do the vehicles seen beside the track look like the ones a relation phrase names ("followed
/// by a white sedan")? For each colour and type, the most likely neighbour's probability of it,
/// from pixels; where the neighbour sits is `RelationTerm`'s job. 0 without pixels.
public struct RelationLookTerm: ScoreTerm {
    public var name: String { "relation-look" }

    public init() {}

    public var featureNames: [String] {
        VehicleColor.allCases.map { "neighbour-colour-\($0.rawValue)" } + BodyType.allCases.map { "neighbour-type-\($0.rawValue)" }
    }

    public func queryVector(_ query: QueryProfile) -> [Double] {
        let asked = mentionWeights(query)
        return VehicleColor.allCases.map { asked.colours[$0] ?? 0 } + BodyType.allCases.map { asked.types[$0] ?? 0 }
    }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        let seen = neighbourLooks(track, in: gallery)
        return VehicleColor.allCases.map { seen.colours[$0] ?? 0 } + BodyType.allCases.map { seen.types[$0] ?? 0 }
    }

    /// For each colour then each type, the highest probability any neighbour with pixels shows.
    func neighbourLooks(_ track: Track, in gallery: Gallery) -> (colours: [VehicleColor: Double], types: [BodyType: Double]) {
        var colours: [VehicleColor: Double] = [:], types: [BodyType: Double] = [:]
        for n in gallery.analysis.neighbours[track.id] ?? [] {
            guard let look = gallery.appearance[n.id] else { continue }
            for (c, p) in look.colours { colours[c] = max(colours[c] ?? 0, p) }
            for (t, p) in look.types { types[t] = max(types[t] ?? 0, p) }
        }
        return (colours, types)
    }

    /// Each mention's share, split evenly over the attributes it names.
    func mentionWeights(_ query: QueryProfile) -> (colours: [VehicleColor: Double], types: [BodyType: Double]) {
        var colours: [VehicleColor: Double] = [:], types: [BodyType: Double] = [:]
        for (mention, share) in query.relations.sorted(by: { $0.key < $1.key }) {
            let named = (mention.color == nil ? 0 : 1) + (mention.type == nil ? 0 : 1)
            guard named > 0 else { continue }
            if let c = mention.color { colours[c, default: 0] += share / Double(named) }
            if let t = mention.type { types[t, default: 0] += share / Double(named) }
        }
        return (colours, types)
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let named = query.relations.keys.compactMap { m -> String? in
            let words = [m.color?.rawValue, m.type?.rawValue].compactMap { $0 }
            return words.isEmpty ? nil : words.joined(separator: " ")
        }.sorted()
        guard !named.isEmpty else { return "query names no other vehicle's colour or type" }
        let neighbours = (gallery.analysis.neighbours[track.id] ?? []).compactMap { n -> String? in
            guard let look = gallery.appearance[n.id] else { return nil }
            let c = look.colours.mostLikely?.rawValue ?? "?"
            let t = look.types.mostLikely?.rawValue ?? "?"
            return "\(c) \(t)"
        }
        return "query: \(named.joined(separator: ", ")); neighbours: \(neighbours.isEmpty ? "none with pixels" : neighbours.joined(separator: ", "))"
    }
}
