import Foundation
import SightlineData
import SightlineLanguage
import SightlineRanking
import SightlineSearch
import SightlineTracks

/// Serves searches from an index: loads every track's feature vector into memory once, then
/// scores a query as a sparse dot product over feature columns, keeps the best `top`, and
/// explains only those (scores from the per-term slices, reasons from the stored track
/// features, through the terms' own `reason`). Ranks exactly as `Ranker` does on the same
/// tracks: same order, same totals to rounding.
///
/// Call `refresh()` to pick up changes written by other processes or nodes since loading.
public final class IndexSearcher: SearchBackend, @unchecked Sendable {
    public let index: any VehicleIndex
    public let ranker: Ranker
    public let layout: FeatureLayout
    public let threads: Int
    /// The active terms (non-zero weight) in ranker order, with their slices.
    let active: [(term: any ScoreTerm, weight: Double, range: Range<Int>)]
    private let lock = NSLock()
    private var current: FeatureSnapshot

    public init(index: any VehicleIndex, ranker: Ranker = Ranker(), layout: FeatureLayout = .standard,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) async throws {
        self.index = index
        self.ranker = ranker
        self.layout = layout
        self.threads = max(1, threads)
        active = layout.slices.filter { ranker.weights[$0.term.name] != 0 }.map { ($0.term, ranker.weights[$0.term.name], $0.range) }
        current = try await index.snapshot()
    }

    /// The loaded snapshot.
    public var snapshot: FeatureSnapshot { lock.withLock { current } }

    /// Reloads the vectors when the index changed since they were loaded; returns whether it did.
    @discardableResult
    public func refresh() async throws -> Bool {
        let generation = try await index.generation()
        guard generation != snapshot.generation else { return false }
        let fresh = try await index.snapshot()
        lock.withLock { current = fresh }
        return true
    }

    /// What one `watch` check did.
    public enum RefreshEvent: Sendable {
        case reloaded(tracks: Int)
        case failed(String)
    }

    /// Refreshes every `interval` until the calling task is cancelled, so a search node follows
    /// writes made by ingest workers. A failed check keeps the loaded vectors and tries again.
    public func watch(every interval: Duration, report: @Sendable (RefreshEvent) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                if try await refresh() { report(.reloaded(tracks: snapshot.count)) }
            } catch {
                report(.failed(String(describing: error)))
            }
        }
    }

    public func search(_ request: SearchRequest) async throws -> [SearchHit] {
        let profile = ranker.understanding.profile(of: request.descriptions)
        return try await search(profile: profile, request: request)
    }

    /// Ranks for an already parsed query; `request.text` is not read.
    public func search(profile: QueryProfile, request: SearchRequest) async throws -> [SearchHit] {
        let snap = snapshot
        let plan = self.plan(profile)
        let best = snap.top(request.top, plan: plan, filter: filter(request, snap), threads: threads)
        let details = try await index.details(of: best.map { snap.ids[$0.index] })
        // Reasons about neighbours (relation-look) read the neighbours' pixels too.
        let neighbourIDs = Set(details.values.flatMap { $0.neighbours.map(\.id) }).subtracting(details.keys)
        var looks = neighbourIDs.isEmpty ? [:] : try await index.appearance(of: Array(neighbourIDs))
        for d in details.values { if let a = d.appearance { looks[d.track.id] = a } }
        return best.map { hit in
            let id = snap.ids[hit.index]
            let scores = snap.termScores(at: hit.index, plan: plan).scores
            let explained = details[id].map { detail in
                (track: detail.track, gallery: Self.gallery(detail, appearance: looks, learned: learned(at: hit.index, id: detail.track.id, in: snap)))
            }
            let contributions = active.enumerated().map { t, a in
                Contribution(term: a.term.name, weight: a.weight, score: scores[t],
                             reason: explained.map { a.term.reason(profile, $0.track, in: $0.gallery) } ?? "track changed since the search index was loaded")
            }
            return SearchHit(track: id, camera: snap.cameraKeys[Int(snap.cameras[hit.index])], total: hit.total, contributions: contributions)
        }
    }

    /// The best `request.top` track ids and totals, without explanations.
    public func ranked(_ request: SearchRequest) -> [(track: String, total: Double)] {
        let profile = ranker.understanding.profile(of: request.descriptions)
        let snap = snapshot
        return snap.top(request.top, plan: plan(profile), filter: filter(request, snap), threads: threads).map { (snap.ids[$0.index], $0.total) }
    }

    /// The per-term (column, value) pairs of a query's non-zero dimensions.
    func plan(_ profile: QueryProfile) -> FeatureSnapshot.Plan {
        let query = layout.queryVector(profile)
        let terms = active.map { a in
            FeatureSnapshot.Plan.Term(weight: a.weight, entries: a.range.compactMap { d in query[d] != 0 ? (d, query[d]) : nil })
        }
        return FeatureSnapshot.Plan(terms: terms)
    }

    func filter(_ request: SearchRequest, _ snap: FeatureSnapshot) -> FeatureSnapshot.Filter {
        var f = FeatureSnapshot.Filter()
        if request.cameras?.isEmpty == false {
            f.cameras = Set(snap.cameraKeys.indices.filter { request.keeps(camera: snap.cameraKeys[$0]) }.map { Int32($0) })
        }
        if request.colours?.isEmpty == false {
            f.colours = Set(VehicleColor.allCases.filter { request.keeps(colour: $0) }.compactMap { FeatureSnapshot.Builder.colourCodes[$0.rawValue] })
        }
        if request.types?.isEmpty == false {
            f.types = Set(BodyType.allCases.filter { request.keeps(type: $0) }.compactMap { FeatureSnapshot.Builder.typeCodes[$0.rawValue] })
        }
        return f
    }

    /// The learned embedding and readings stored in the snapshot's row `index`, as a gallery holds them.
    func learned(at index: Int, id: String, in snap: FeatureSnapshot) -> (embedding: [String: [Double]], readings: [String: TrackProbabilities]) {
        guard let slice = layout.slice(named: LearnedTerm().name), let term = slice.term as? LearnedTerm else { return ([:], [:]) }
        let vector = snap.vector(at: index)
        let (embedding, readings) = term.decode(Array(vector[slice.range]))
        return (embedding.map { [id: $0] } ?? [:], readings.map { [id: $0] } ?? [:])
    }

    /// A one-track gallery holding what the terms' reasons read about the track: its
    /// trajectory, camera, neighbours and size, the pixels of it and its neighbours, and its
    /// learned embedding and readings.
    static func gallery(_ d: TrackDetail, appearance: [String: TrackAppearance],
                        learned: (embedding: [String: [Double]], readings: [String: TrackProbabilities]) = ([:], [:])) -> Gallery {
        var analysis = TrackAnalysis(tracks: [])
        if let t = d.trajectory { analysis.trajectories[d.track.id] = t }
        if let c = d.camera { analysis.cameras[d.track.cameraKey] = c }
        analysis.neighbours[d.track.id] = d.neighbours
        analysis.sizeRatio[d.track.id] = d.sizeRatio
        return Gallery(tracks: [d.track], analysis: analysis, appearance: appearance, learned: learned.embedding, learnedReadings: learned.readings)
    }

    public func track(id: String) async throws -> Track? { try await index.track(id: id) }

    public func framesRoot(of id: String) async throws -> String? { try await index.framesRoot(of: id) }

    public func cameras() async throws -> [String] { snapshot.cameraKeys.sorted() }

    public func frames(ofCamera camera: String) async throws -> [FrameRef] {
        try await index.tracks(ofCamera: camera).flatMap(\.frames)
    }
}
