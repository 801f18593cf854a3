import Foundation
import SightlineData
import SightlineTestSupport
import Testing

/// The resumable detection log: what a killed run leaves is read back up to its last whole frame.
@Suite struct DetectionLogTests {
    let dir = TemporaryDirectory()

    func detection(_ x: Double, score: Float = 0.75) -> Detection {
        Detection(box: Box(x: x, y: 2.5, w: 30.125, h: 20), score: score, label: .car)
    }

    @Test func framesRoundTripExactly() throws {
        let folder = dir.file("cam")
        let log = try DetectionLog.Writer(folder: folder, progress: DetectionLog.Progress(source: "v", settings: "s", frameCount: 3))
        try log.append(frame: 1, detections: [detection(1.0 / 3), detection(7, score: 0.123456789)])
        try log.append(frame: 2, detections: [])
        let loaded = try #require(try DetectionLog.load(from: folder))
        #expect(loaded.progress.framesDone == 2)
        #expect(!loaded.progress.isComplete)
        #expect(loaded.detections == [1: [detection(1.0 / 3), detection(7, score: 0.123456789)]], "boxes and scores as the detector gave them")
        #expect(throws: DataError.self) { try log.append(frame: 4, detections: []) }
    }

    @Test func bytesPastTheLastRecordedFrameAreCutOff() throws {
        let folder = dir.file("cam")
        let log = try DetectionLog.Writer(folder: folder, progress: DetectionLog.Progress(source: "v", settings: "s", frameCount: 3))
        try log.append(frame: 1, detections: [detection(1)])
        let file = DetectionLog.detectionsFile(in: folder)
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("2,-1,5,5,1".utf8))
        try handle.close()

        let stored = try #require(try DetectionLog.load(from: folder))
        #expect(stored.detections == [1: [detection(1)]], "the cut-off frame 2 is not read")
        let resumed = try DetectionLog.Writer(folder: folder, progress: stored.progress)
        try resumed.append(frame: 2, detections: [detection(2)])
        try resumed.append(frame: 3, detections: [detection(3)])
        let whole = try #require(try DetectionLog.load(from: folder))
        #expect(whole.progress.isComplete)
        #expect(whole.detections == [1: [detection(1)], 2: [detection(2)], 3: [detection(3)]])
        #expect(try MOTDetections.load(from: file) == whole.detections, "det.txt is a plain MOTChallenge file")
    }

    @Test func aShortDetectionsFileIsAnErrorNamingIt() throws {
        let folder = dir.file("cam")
        let log = try DetectionLog.Writer(folder: folder, progress: DetectionLog.Progress(source: "v", settings: "s", frameCount: 3))
        try log.append(frame: 1, detections: [detection(1)])
        try Data().write(to: DetectionLog.detectionsFile(in: folder))
        #expect {
            _ = try DetectionLog.load(from: folder)
        } throws: { error in
            "\(error)".contains(DetectionLog.detectionsFile(in: folder).path)
        }
        #expect(try DetectionLog.load(from: dir.file("none")) == nil)
    }
}
