import Foundation
import SightlineData
@testable import SightlineTracks
import Testing

/// Hand-made paths in image coordinates (y grows downwards).
enum Paths {
    /// Boxes whose centres follow `points`, each 40 px tall.
    static func boxes(_ points: [(Double, Double)]) -> [Box] {
        points.map { Box(x: $0.0 - 20, y: $0.1 - 20, w: 40, h: 40) }
    }

    static func line(from a: (Double, Double), to b: (Double, Double), steps: Int) -> [(Double, Double)] {
        (0...steps).map { i in
            let t = Double(i) / Double(steps)
            return (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
        }
    }

    /// Drives up the image (north), then turns towards `eastward` (+1 right, -1 left).
    static func turn(eastward: Double) -> [Box] {
        boxes(line(from: (500, 900), to: (500, 500), steps: 40) + line(from: (500, 500), to: (500 + 400 * eastward, 500), steps: 40).dropFirst())
    }

    static func track(_ id: String, boxes: [Box], camera: String = "c001", start: Int = 1) -> Track {
        let frames = boxes.indices.map { FrameRef(path: "S01/\(camera)/img1/\(start + $0).jpg", scene: "S01", camera: camera, frame: start + $0) }
        return Track(id: id, frames: frames, boxes: boxes)
    }
}

struct TrajectoryTests {
    @Test func straightPathIsStraight() {
        let t = Trajectory(boxes: Paths.boxes(Paths.line(from: (100, 900), to: (140, 100), steps: 60)))
        #expect(t.turn == .straight)
        #expect(abs(t.headingChange) < 5)
        #expect(!t.stops)
        #expect(abs(t.tortuosity - 1) < 1e-9)
    }

    @Test func leftTurnGoingNorthThenWest() {
        let t = Trajectory(boxes: Paths.turn(eastward: -1))
        #expect(t.turn == .leftTurn)
        #expect(abs(t.headingChange + 90) < 10)
    }

    @Test func rightTurnGoingNorthThenEast() {
        let t = Trajectory(boxes: Paths.turn(eastward: 1))
        #expect(t.turn == .rightTurn)
        #expect(abs(t.headingChange - 90) < 10)
    }

    @Test func gentleCurveStaysStraight() {
        let points = (0...60).map { i -> (Double, Double) in (500 + 0.02 * Double(i * i), 900 - 10 * Double(i)) }
        #expect(Trajectory(boxes: Paths.boxes(points)).turn == .straight)
    }

    @Test func waitingAtALightIsAStopWithItsLength() {
        let approach = Paths.line(from: (500, 900), to: (500, 600), steps: 20)
        let wait = Array(repeating: (500.0, 600.0), count: 30).enumerated().map { i, p in (p.0 + Double(i % 2), p.1) }
        let leave = Paths.line(from: (500, 600), to: (500, 200), steps: 20)
        let t = Trajectory(boxes: Paths.boxes(approach + wait + leave))
        #expect(t.stops)
        #expect(t.longestStillFrames >= 30 && t.longestStillFrames <= 32)
        #expect(t.speedProfile.count == 72)
        #expect(t.speedProfile[35] < 0.05)
        #expect(t.speedProfile[10] > 0.3)
    }

    @Test func shortPauseIsNoStop() {
        let approach = Paths.line(from: (500, 900), to: (500, 600), steps: 20)
        let wait = Array(repeating: (500.0, 600.0), count: 8)
        let t = Trajectory(boxes: Paths.boxes(approach + wait + Paths.line(from: (500, 600), to: (500, 200), steps: 20)))
        #expect(!t.stops)
    }

    @Test func singleBoxOrParkedVehicleIsStraightAndStill() {
        let one = Trajectory(boxes: Paths.boxes([(10, 10)]))
        #expect(one.turn == .straight)
        #expect(one.headingX == 0 && one.headingY == 0)
        let parked = Trajectory(boxes: Paths.boxes(Array(repeating: (10, 10), count: 20)))
        #expect(parked.stops)
        #expect(parked.meanSpeed == 0)
    }
}

struct SceneTests {
    @Test func stoppingTrackMarksItsCameraAsIntersection() {
        let waits = Paths.track("w", boxes: Paths.boxes(Array(repeating: (300, 300), count: 20)), camera: "c001")
        let passes = Paths.track("p", boxes: Paths.boxes(Paths.line(from: (0, 0), to: (900, 0), steps: 20)), camera: "c002")
        let analysis = TrackAnalysis(tracks: [waits, passes])
        #expect(analysis.camera(of: waits)?.isIntersection == true)
        #expect(analysis.camera(of: passes)?.isIntersection == false)
        #expect(analysis.cameras.count == 2)
    }

    @Test func neighboursAheadAndBehindAlongTheHeading() {
        // three cars driving east in a column, 100 px apart, and one on another camera
        func car(_ id: String, x0: Double, camera: String = "c001") -> Track {
            Paths.track(id, boxes: Paths.boxes(Paths.line(from: (x0, 500), to: (x0 + 400, 500), steps: 30)), camera: camera)
        }
        let lead = car("lead", x0: 200), middle = car("middle", x0: 100), last = car("last", x0: 0), elsewhere = car("x", x0: 100, camera: "c002")
        let analysis = TrackAnalysis(tracks: [lead, middle, last, elsewhere])
        let n = analysis.neighbours["middle"] ?? []
        #expect(Set(n.map(\.id)) == ["lead", "last"])
        #expect(n.first { $0.id == "lead" }?.isAhead == true)
        #expect(n.first { $0.id == "last" }?.isBehind == true)
        #expect(analysis.neighbours["x"]?.isEmpty == true)
    }

    @Test func tracksAtDifferentTimesAreNotNeighbours() {
        let a = Paths.track("a", boxes: Paths.boxes(Paths.line(from: (0, 0), to: (100, 0), steps: 10)), start: 1)
        let b = Paths.track("b", boxes: Paths.boxes(Paths.line(from: (0, 0), to: (100, 0), steps: 10)), start: 100)
        #expect(TrackAnalysis(tracks: [a, b]).neighbours["a"]?.isEmpty == true)
    }

    @Test func bigBoxesHaveHighSizeRatio() {
        let small = (0..<3).map { Paths.track("s\($0)", boxes: Paths.boxes(Paths.line(from: (0, 0), to: (100, 0), steps: 5))) }
        let bigBoxes = Paths.line(from: (0, 0), to: (100, 0), steps: 5).map { Box(x: $0.0, y: $0.1, w: 120, h: 80) }
        let analysis = TrackAnalysis(tracks: small + [Paths.track("big", boxes: bigBoxes)])
        #expect((analysis.sizeRatio["big"] ?? 0) == 6)
        #expect(analysis.sizeRatio["s0"] == 1)
    }
}
