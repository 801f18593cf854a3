import Foundation
import SightlineData
@testable import SightlineTracks
import Testing

@Suite struct TrackSequenceTests {
    static let tracks = [
        Paths.track("left", boxes: Paths.turn(eastward: -1)),
        Paths.track("right", boxes: Paths.turn(eastward: 1), start: 200),
        Paths.track("up", boxes: Paths.boxes(Paths.line(from: (600, 900), to: (600, 100), steps: 80)), start: 400),
    ]

    static func sequences() -> [String: TrackSequence] {
        TrackSequence.sequences(of: tracks, analysis: TrackAnalysis(tracks: tracks))
    }

    @Test func turnedFeatureAccumulatesTheHeadingChange() throws {
        let s = Self.sequences()
        let turned = TrackSequence.featureNames.firstIndex(of: "turned") ?? -1
        let left = try #require(s["left"]?.rows.last?[turned]), right = try #require(s["right"]?.rows.last?[turned])
        let up = try #require(s["up"]?.rows.last?[turned])
        #expect(left < -0.8 && left > -1.2, "a left turn is about -90 degrees, -1 in quarter turns: \(left)")
        #expect(right > 0.8 && right < 1.2, "\(right)")
        #expect(abs(up) < 0.05)
    }

    @Test func mirroringTheRightTurnGivesTheLeftTurnsFeatures() throws {
        let s = Self.sequences()
        let width = TrackSequence.featureCount
        let mirrored = try #require(s["right"]).resampled(steps: 16, mirrored: true)
        let left = try #require(s["left"]).resampled(steps: 16)
        let right = try #require(s["right"]).resampled(steps: 16)
        #expect(mirrored.count == 16 * width)
        let turned = 13, headingX = 5
        #expect(mirrored[15 * width + turned] == -right[15 * width + turned])
        #expect(abs(mirrored[15 * width + turned] - left[15 * width + turned]) < 1e-6)
        #expect(mirrored[15 * width + headingX] == -right[15 * width + headingX])
    }

    @Test func pathFeaturesReadTheTurnInRightAnglesAndFlipWhenMirrored() throws {
        let s = Self.sequences()
        let left = try #require(s["left"]).pathFeatures, right = try #require(s["right"]).pathFeatures
        let up = try #require(s["up"]).pathFeatures
        #expect(TrackSequence.pathFeatureNames.count == left.count)
        #expect(left[0] < -0.8 && left[0] > -1.2, "heading change of a left turn: \(left)")
        #expect(left[2] < -0.8 && left[2] > -1.2, "turned: \(left)")
        #expect(left[1] < -0.3 && left[1] > left[0], "the halves' means are nearer each other: \(left)")
        #expect(right[0] > 0.8 && right[2] > 0.8, "\(right)")
        #expect(abs(up[0]) < 0.05 && abs(up[1]) < 0.05 && abs(up[2]) < 0.05 && up[5] > 0.9, "\(up)")
        for f in left.indices {
            let mirrored = TrackSequence.mirroredPathFeatures.contains(f)
            #expect(abs(left[f] - (mirrored ? -right[f] : right[f])) < 0.05, "\(TrackSequence.pathFeatureNames[f]): \(left[f]), \(right[f])")
        }
    }

    @Test func pathFeaturesDoNotDependOnTheCamerasOtherTracks() throws {
        let track = Self.tracks[0]
        let alone = TrackSequence(track: track, flow: CameraFlow(camera: track.cameraKey, tracks: [track]), neighbours: [])
        let among = TrackSequence(track: track, flow: CameraFlow(camera: track.cameraKey, tracks: Self.tracks), neighbours: [])
        #expect(alone.rows != among.rows, "positions and flows are the camera's")
        #expect(alone.pathFeatures == among.pathFeatures)
    }

    @Test func aSubsequenceStartsItsTurnAtZeroAndCoversOnlyItsPart() throws {
        let right = try #require(Self.sequences()["right"])
        let secondHalf = right.resampled(steps: 8, start: 0.5, end: 1)
        #expect(secondHalf[13] == 0)
        let y = 1, full = right.resampled(steps: 8)
        #expect(secondHalf[y] != full[y], "the part starts later on the path")
    }

    @Test func cameraFlowPointsAlongTheUsualDirection() throws {
        let flow = CameraFlow(camera: "S01/c001", tracks: [Self.tracks[2]])
        let cell = flow.cell(x: 600, y: 500)
        #expect(flow.flowY[cell] < -0.99, "vehicles drive up the image")
        #expect(abs(flow.flowX[cell]) < 0.05)
    }

    @Test func emptyTrackResamplesToZeros() {
        #expect(TrackSequence(rows: []).resampled(steps: 4).allSatisfy { $0 == 0 })
    }
}
