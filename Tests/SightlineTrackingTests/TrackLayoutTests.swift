import Foundation
import SightlineData
import SightlineTestSupport
import Testing
@testable import SightlineTracking

struct TrackLayoutTests {
    let car = Mover(x: 100, y: 200, vx: 5)

    @Test func writesCityFlowFramesNumberedFromOneAndBoxesAsXYWH() throws {
        let found = track(5) { f in [car.detection(f)] }
        let layout = try #require(TrackLayout(camera: "S01/c003"))
        let t = try #require(layout.tracks(found).first)
        #expect(t.frames.map(\.path) == (1...5).map { "S01/c003/img1/00000\($0).jpg" })
        #expect(t.frames.map(\.frame) == Array(1...5))
        #expect(t.cameraKey == "S01/c003")
        #expect(t.boxes == (1...5).map(car.box))

        let dir = TemporaryDirectory()
        let url = dir.url.appendingPathComponent("tracks.json")
        try TrackFile.write(layout.tracks(found), to: url)
        #expect(try TrackFile.load(from: url) == layout.tracks(found))
    }

    @Test func aCameraFolderPathKeepsItsPrefix() throws {
        let layout = try #require(TrackLayout(camera: "train/S01/c003/"))
        #expect(layout.framePath(28) == "train/S01/c003/img1/000028.jpg")
        for bad in ["c003", "S01", "S01/c003/img1", "S01/x003", ""] { #expect(TrackLayout(camera: bad) == nil) }
    }

    @Test func idsAreUUIDsFixedByCameraStartNumberAndSeed() throws {
        let two = track(6) { f in [car.detection(f), Mover(x: 800, y: 500, vx: -3).detection(f)] }
        let layout = try #require(TrackLayout(camera: "S01/c003"))
        let ids = layout.tracks(two, seed: 0).map(\.id)
        #expect(ids.count == 2 && Set(ids).count == 2)
        #expect(ids.allSatisfy { UUID(uuidString: $0) != nil && $0 == $0.lowercased() })
        #expect(layout.tracks(two, seed: 0).map(\.id) == ids)
        #expect(Set(layout.tracks(two, seed: 1).map(\.id)).isDisjoint(with: ids))
        #expect(Set(try #require(TrackLayout(camera: "S01/c004")).tracks(two, seed: 0).map(\.id)).isDisjoint(with: ids))
    }

    @Test func motResultsListEveryBoxByFrameThenIDWithInterpolatedScoresAtMinusOne() {
        let other = Mover(x: 800, y: 500, vx: -3)
        let found = track(5) { f in [car.detection(f)] + (f == 3 ? [] : [other.detection(f, score: 0.75)]) }
        let lines = MOTResults.text(found).split(separator: "\n")
        #expect(lines.count == 10)
        #expect(lines[0] == "1,1,105.00,200.00,60.00,40.00,0.9000,-1,-1,-1")
        #expect(lines[1] == "1,2,797.00,500.00,60.00,40.00,0.7500,-1,-1,-1")
        #expect(lines[5] == "3,2,791.00,500.00,60.00,40.00,-1,-1,-1,-1")
    }
}
