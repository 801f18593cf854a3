import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineRanking
import SightlineTestSupport
import SightlineTracks
import Testing

/// Seeded mutation fuzzing of the index's stored-record decoders: every mutated record must
/// decode or throw an `IndexError`, and whatever decodes must survive what `index add`,
/// `search` and `GET /tracks/{id}` do with it (features, explanations). A trap ends the run.
/// `SIGHTLINE_FUZZ_ITERATIONS` runs more than the CI count.
@Suite struct RecordFuzzTests {
    static let iterations = Mutator.iterations(default: 3_000)
    static let layout = FeatureLayout.standard

    static let stored: [StoredTrack] = {
        let looks = Fixtures.appearance(of: Fixtures.small)
        let plain = Track(id: "plain", frames: [FrameRef(path: "S01/c001/img1/1.jpg", scene: "S01", camera: "c001", frame: 1),
                                                FrameRef(path: "x/S01/c001/img1/02.jpg", scene: "S01", camera: "c001", frame: 2)],
                          boxes: [Box(x: 0.5, y: -1, w: 1e-300, h: 100_000), Box(x: -100_000, y: 3, w: 4, h: 5)],
                          nl: ["A \"red\" car é🚗."], otherViews: ["x"])
        return (Fixtures.small + [plain]).enumerated().map { i, t in
            StoredTrack(track: t, ord: Int64(i), framesRoot: i == 0 ? "/frames" : nil, appearance: looks[t.id])
        }
    }()

    static let rows: [TrackRow] = stored.compactMap { try? TrackRow($0) }

    static let features: [(FeatureRow, CameraRow)] = Dictionary(grouping: stored, by: \.track.cameraKey).sorted { $0.key < $1.key }
        .flatMap { _, members -> [(FeatureRow, CameraRow)] in
            guard let (rows, camera) = try? CameraUpdate.features(layout: layout, camera: members.sorted { $0.ord < $1.ord }) else { return [] }
            return rows.map { ($0, camera) }
        }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Runs `decode` on every mutated input and prints the tally; returns how many decoded.
    static func fuzz(_ target: String, _ seeds: [[UInt8]], seed: UInt64, _ decode: ([UInt8]) throws(IndexError) -> Void) -> Int {
        let mutator = Mutator(seeds: seeds)
        var decoded = 0
        for i in 0..<iterations {
            do {
                try decode(mutator.input(i, seed: seed))
                decoded += 1
            } catch {
                #expect(!error.description.isEmpty)
            }
        }
        print("fuzz \(target): \(iterations) inputs, \(decoded) decoded, \(iterations - decoded) refused with an IndexError")
        return decoded
    }

    /// Inputs the fuzzing found that trapped: 513 `[` (feature rows, iteration 10240 of seed 14)
    /// crashed Foundation's `JSONDecoder` inside `RecordJSON.decode`.
    @Test(arguments: [String(repeating: "[", count: 513), #"{"a":"# + String(repeating: "[", count: 512), String(repeating: "[", count: 513) + "1[]"])
    func foundCrashesThrow(text: String) throws {
        #expect(throws: IndexError.self) { _ = try RecordJSON.decode(Trajectory.self, text) }
        #expect(throws: IndexError.self) { _ = try RecordJSON.decode([String].self, text) }
        let (feature, camera) = try #require(Self.features.first)
        let stored = try #require(Self.stored.first { $0.track.id == feature.id })
        do {
            _ = try TrackDetail(stored: stored, trajectory: feature.trajectory, neighbours: text, sizeRatio: 1, camera: camera.context)
            Issue.record("decoded \(text.prefix(20))...")
        } catch {
            guard case .malformed(table: "feature", key: feature.id, column: "neighbours", detail: _) = error else { Issue.record("got \(error)"); return }
        }
    }

    /// The seeded run that found it still produces it, so the fuzz test itself replays the crash.
    @Test func theFoundInputIsStillGenerated() {
        let seeds = Self.features.flatMap { f, c in [Self.bytes(f.trajectory), Self.bytes(f.neighbours), Self.bytes(c.context)] }
        #expect(Mutator(seeds: seeds).input(10240, seed: 14) == Self.bytes(String(repeating: "[", count: 513)))
    }

    @Test func framesBlobsDecodeOrThrow() {
        let decoded = Self.fuzz("frames blobs", Self.rows.map { [UInt8]($0.frames) }, seed: 11) { b throws(IndexError) in _ = try TrackCodec.decodeFrames(Data(b)) }
        #expect(decoded > 0 && decoded < Self.iterations)
    }

    @Test func boxesBlobsDecodeOrThrow() {
        let decoded = Self.fuzz("boxes blobs", Self.rows.map { [UInt8]($0.boxes) }, seed: 12) { b throws(IndexError) in _ = try TrackCodec.decodeBoxes(Data(b)) }
        #expect(decoded > 0 && decoded < Self.iterations)
    }

    /// A whole track row with one column mutated; what decodes gets its camera's features computed, as `index add` does.
    @Test func trackRowsDecodeOrThrowAndWhatDecodesGetsFeatures() {
        let columns = ["frames", "boxes", "nl", "other_views", "appearance"]
        let seeds = Self.rows.flatMap { r in [[UInt8](r.frames), [UInt8](r.boxes), Self.bytes(r.nl), Self.bytes(r.otherViews), Self.bytes(r.appearance ?? "null")] }
        var rng = SplitMix64(seed: 13)
        let decoded = Self.fuzz("track rows", seeds, seed: 13) { b throws(IndexError) in
            var row = Self.rows[Int(rng.next() % UInt64(Self.rows.count))]
            switch columns[Int(rng.next() % UInt64(columns.count))] {
            case "frames": row.frames = Data(b)
            case "boxes": row.boxes = Data(b)
            case "nl": row.nl = String(decoding: b, as: UTF8.self)
            case "other_views": row.otherViews = String(decoding: b, as: UTF8.self)
            default: row.appearance = String(decoding: b, as: UTF8.self)
            }
            let track = try row.decoded()
            _ = try CameraUpdate.features(layout: Self.layout, camera: [track])
        }
        #expect(decoded > 0 && decoded < Self.iterations)
    }

    /// The feature and camera rows a search explains from, mutated; what decodes is explained by every term.
    @Test func featureRowsDecodeOrThrowAndWhatDecodesIsExplained() {
        let profile = Ranker().understanding.profile(of: ["A red sedan turns left at the intersection, followed by a white truck."])
        let seeds = Self.features.flatMap { f, c in [Self.bytes(f.trajectory), Self.bytes(f.neighbours), Self.bytes(c.context)] }
        var rng = SplitMix64(seed: 14)
        let byID = Dictionary(uniqueKeysWithValues: Self.stored.map { ($0.track.id, $0) })
        let decoded = Self.fuzz("feature and camera rows", seeds, seed: 14) { b throws(IndexError) in
            let (feature, camera) = Self.features[Int(rng.next() % UInt64(Self.features.count))]
            guard let stored = byID[feature.id] else { return }
            let text = String(decoding: b, as: UTF8.self)
            let which = rng.next() % 3
            let detail = try TrackDetail(stored: stored, trajectory: which == 0 ? text : feature.trajectory,
                                         neighbours: which == 1 ? text : feature.neighbours, sizeRatio: feature.sizeRatio,
                                         camera: which == 2 ? text : camera.context)
            let gallery = IndexSearcher.gallery(detail, appearance: [:])
            for slice in Self.layout.slices { _ = slice.term.reason(profile, detail.track, in: gallery) }
        }
        #expect(decoded > 0 && decoded < Self.iterations)
    }

    /// Feature vectors of any length and bit pattern load into a snapshot or throw; a loaded one searches.
    @Test func featureVectorsLoadOrThrowAndSearch() {
        let dimensions = Self.layout.dimensions
        let decoded = Self.fuzz("feature vectors", Self.features.map { [UInt8]($0.0.vector) }, seed: 15) { b throws(IndexError) in
            var builder = FeatureSnapshot.Builder(dimensions: dimensions)
            try builder.append(id: "t", camera: "S01/c001", colour: "red", type: nil, vector: Data(b))
            let snapshot = builder.build(generation: 0)
            let plan = FeatureSnapshot.Plan(terms: [.init(weight: 1, entries: (0..<dimensions).map { ($0, 1) })])
            #expect(snapshot.top(.max, plan: plan, filter: .init(), threads: 1).count == 1)
        }
        #expect(decoded > 0 && decoded < Self.iterations)
    }
}
