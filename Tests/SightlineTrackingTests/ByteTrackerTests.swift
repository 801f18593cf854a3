import Foundation
import SightlineData
import SightlineTestSupport
import Testing
@testable import SightlineTracking

/// A vehicle moving at constant velocity: its 60 x 40 box in any frame.
struct Mover {
    var x: Double, y: Double, vx: Double, vy = 0.0

    func box(_ frame: Int) -> Box { Box(x: x + vx * Double(frame), y: y + vy * Double(frame), w: 60, h: 40) }
    func detection(_ frame: Int, score: Float = 0.9) -> Detection { Detection(box: box(frame), score: score, label: .car) }
}

/// Runs a tracker over frames 1...last, with the detections `scene` gives each frame.
func track(_ last: Int, configuration: ByteTracker.Configuration = .init(), _ scene: (Int) -> [Detection]) -> [ByteTracker.FrameTrack] {
    var tracker = ByteTracker(configuration: configuration)
    for frame in 1...last { tracker.update(frame: frame, detections: scene(frame)) }
    return tracker.tracks()
}

struct ByteTrackerTests {
    let car = Mover(x: 100, y: 200, vx: 5)

    @Test func aTrackSurvivesATwoFrameGapWithTheGapFramesInterpolated() throws {
        let tracks = track(12) { f in f == 6 || f == 7 ? [] : [car.detection(f)] }
        let t = try #require(tracks.first)
        #expect(tracks.count == 1)
        #expect(t.frames == 1...12)
        #expect(t.scores[5] == nil && t.scores[6] == nil && t.scores[4] == 0.9 && t.scores[7] == 0.9)
        for f in [6, 7] {
            let b = t.boxes[f - 1], truth = car.box(f)
            #expect(abs(b.x - truth.x) < 1e-9 && b.y == truth.y && b.w == truth.w && b.h == truth.h)
        }
        #expect(t.boxes[4] == car.box(5) && t.boxes[7] == car.box(8))
    }

    @Test func lowScoreBoxesKeepATrackAliveOnlyThroughTheSecondPass() throws {
        var c = ByteTracker.Configuration()
        c.trackBuffer = 2
        let scene: (Int) -> [Detection] = { f in [car.detection(f, score: (6...10).contains(f) ? 0.3 : 0.9)] }
        let withSecondPass = track(15, configuration: c, scene)
        #expect(withSecondPass.count == 1)
        #expect(withSecondPass.first?.frames == 1...15)
        #expect(withSecondPass.first?.scores[7] == 0.3)

        c.lowThreshold = c.trackThreshold
        let firstPassOnly = track(15, configuration: c, scene)
        #expect(firstPassOnly.map(\.frames) == [1...5, 11...15])
    }

    @Test func lowScoreAndMidScoreBoxesNeverStartATrack() {
        #expect(track(10) { f in [car.detection(f, score: 0.3)] }.isEmpty)
        #expect(track(10) { f in [car.detection(f, score: 0.55)] }.isEmpty)
        #expect(track(10) { f in [car.detection(f, score: 0.6)] }.count == 1)
    }

    @Test func aNewbornTrackNeedsASecondFrameExceptInTheFirstFrame() {
        var c = ByteTracker.Configuration()
        c.minimumLength = 1
        let other = Mover(x: 600, y: 100, vx: -4)
        let once = track(8, configuration: c) { f in [other.detection(f)] + (f == 4 ? [car.detection(f)] : []) }
        #expect(once.map(\.frames) == [1...8])
        let inFirstFrame = track(8, configuration: c) { f in [other.detection(f)] + (f == 1 ? [car.detection(f)] : []) }
        #expect(inFirstFrame.map(\.frames) == [1...8, 1...1])
        let twice = track(8, configuration: c) { f in [other.detection(f)] + ((4...5).contains(f) ? [car.detection(f)] : []) }
        #expect(twice.map(\.frames) == [1...8, 4...5])
    }

    @Test func tracksShorterThanTheMinimumLengthAreDropped() {
        let scene: (Int) -> [Detection] = { f in (3...4).contains(f) ? [car.detection(f)] : [] }
        #expect(track(8, scene).isEmpty)
        var c = ByteTracker.Configuration()
        c.minimumLength = 2
        #expect(track(8, configuration: c, scene).map(\.frames) == [3...4])
    }

    @Test func aLostTrackIsBridgedWithinTheBufferAndDiesAfterIt() {
        var c = ByteTracker.Configuration()
        c.trackBuffer = 5
        // Lost after frame 5; at frame 10 it has been gone 5 frames, at frame 12 seven.
        let within = track(14, configuration: c) { f in (6...9).contains(f) ? [] : [car.detection(f)] }
        #expect(within.map(\.frames) == [1...14])
        let beyond = track(16, configuration: c) { f in (6...11).contains(f) ? [] : [car.detection(f)] }
        #expect(beyond.map(\.frames) == [1...5, 12...16])
    }

    @Test func twoCrossingVehiclesKeepTheirIdentities() throws {
        let east = Mover(x: 0, y: 100, vx: 8), west = Mover(x: 400, y: 108, vx: -8, vy: 0.2)
        let tracks = track(50) { f in [east.detection(f), west.detection(f, score: 0.8)] }
        #expect(tracks.count == 2)
        for t in tracks { #expect(t.frames == 1...50) }
        let first = try #require(tracks.first), second = try #require(tracks.last)
        #expect(first.boxes == (1...50).map(east.box))
        #expect(second.boxes == (1...50).map(west.box))
    }

    @Test func oneVehicleReportedAsCarAndTruckIsOneTrack() {
        let scene: (Int) -> [Detection] = { f in
            let b = car.box(f)
            return [car.detection(f, score: 0.8), Detection(box: Box(x: b.x + 1, y: b.y, w: b.w, h: b.h + 1), score: 0.7, label: .truck)]
        }
        let merged = track(10, scene)
        #expect(merged.count == 1)
        #expect(merged.first?.boxes == (1...10).map(car.box))
        var c = ByteTracker.Configuration()
        c.classAgnosticNMS = nil
        #expect(track(10, configuration: c, scene).count == 2)
    }

    @Test func theSameDetectionsGiveTheSameTracks() {
        var rng = SplitMix64(seed: 3)
        let movers = (0..<6).map { _ in
            Mover(x: .random(in: 0...1500, using: &rng), y: .random(in: 0...900, using: &rng), vx: .random(in: -10...10, using: &rng))
        }
        let scores = (0..<(40 * 6)).map { _ in Float.random(in: 0.2...1, using: &rng) }
        let scene: (Int) -> [Detection] = { f in movers.indices.map { movers[$0].detection(f, score: scores[(f - 1) * 6 + $0]) } }
        let a = track(40, scene), b = track(40, scene)
        #expect(!a.isEmpty)
        #expect(a == b)
        let layout = TrackLayout(camera: "S01/c003")
        #expect(layout?.tracks(a, seed: 9) == layout?.tracks(b, seed: 9))
    }

    @Test(.requiresShared("cityflow-sample/train/S01/c003/gt/gt.txt"))
    func tracksTheGroundTruthBoxesOfS01c003WithoutASwitch() throws {
        let truth = try MOTGroundTruth.load(from: TestData.sharedData("cityflow-sample/train/S01/c003/gt/gt.txt"))
        let byFrame = Dictionary(grouping: truth, by: \.frame)
        let frames = try #require(byFrame.keys.min())...(try #require(byFrame.keys.max()))
        var tracker = ByteTracker()
        for f in frames { tracker.update(frame: f, detections: (byFrame[f] ?? []).map { Detection(box: $0.box, score: 1, label: .car) }) }
        let tracks = tracker.tracks()
        var identities: [Int: Set<Int>] = [:]
        var covered = 0
        for t in tracks {
            for (k, (box, score)) in zip(t.boxes, t.scores).enumerated() where score != nil {
                let owner = try #require(byFrame[t.firstFrame + k]?.first { $0.box == box })
                identities[t.number, default: []].insert(owner.id)
                covered += 1
            }
        }
        #expect(covered == truth.count)
        #expect(identities.values.allSatisfy { $0.count == 1 })
        #expect(tracks.count == Set(truth.map(\.id)).count)
        #expect(Set(identities.values.compactMap(\.first)) == Set(truth.map(\.id)))
    }
}
