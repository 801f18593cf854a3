import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineData

struct FrameRefTests {
    @Test(arguments: [
        ("./train/S01/c003/img1/000028.jpg", "S01", "c003", 28),
        ("validation/S02/c006/img1/000520.jpg", "S02", "c006", 520),
        ("/data/cityflow/train/S05/c027/img1/001395.jpg", "S05", "c027", 1395),
    ])
    func parsesSceneCameraAndFrame(path: String, scene: String, camera: String, frame: Int) throws {
        let ref = try #require(FrameRef(path: path))
        #expect(ref.scene == scene)
        #expect(ref.camera == camera)
        #expect(ref.frame == frame)
        #expect(!ref.path.hasPrefix("./"))
    }

    @Test(arguments: ["", "img1/000028.jpg", "S01/c003/img1/frame.jpg", "train/c003/img1/000001.jpg", "S01/cam3/img1/000001.jpg"])
    func rejectsPathsWithoutSceneCameraOrFrame(path: String) {
        #expect(FrameRef(path: path) == nil)
    }
}

struct TrackFileTests {
    let dir = TemporaryDirectory()
    static let goodTrack = #"{"frames": ["./train/S01/c003/img1/000001.jpg", "train/S01/c003/img1/000002.jpg"], "boxes": [[1, 2, 30, 40], [3, 4, 30, 40]], "nl": ["A red sedan."], "nl_other_views": []}"#

    func load(_ text: String) throws -> [Track] {
        try TrackFile.load(from: try dir.write("tracks.json", text))
    }

    func error(_ text: String) -> DataError? {
        do {
            _ = try load(text)
            return nil
        } catch let error as DataError {
            return error
        } catch {
            Issue.record(error)
            return nil
        }
    }

    @Test func loadsTracksInFileOrder() throws {
        let tracks = try load(#"{"b": \#(Self.goodTrack), "a": \#(Self.goodTrack)}"#)
        #expect(tracks.map(\.id) == ["b", "a"])
        #expect(tracks[0].boxes[1] == Box(x: 3, y: 4, w: 30, h: 40))
        #expect(tracks[0].cameraKey == "S01/c003")
        #expect(tracks[0].frames.map(\.frame) == [1, 2])
        #expect(tracks[0].nl == ["A red sedan."])
    }

    @Test func malformedJSONNamesFileAndPosition() throws {
        let e = try #require(error(#"{"a": {"frames": [}"#))
        guard case let .malformedJSON(file, detail) = e else { Issue.record("got \(e)"); return }
        #expect(file.hasSuffix("tracks.json"))
        #expect(detail.contains("line 1"))
    }

    @Test func emptyFile() { #expect(error("  \n") == .empty(file: dir.url.appendingPathComponent("tracks.json").path)) }

    @Test func missingFile() {
        #expect(throws: DataError.self) { try TrackFile.load(from: dir.url.appendingPathComponent("nope.json")) }
    }

    @Test func notAnObject() {
        guard case .notAnObject? = error("[1, 2]") else { Issue.record("expected notAnObject"); return }
    }

    @Test func noEntries() {
        guard case .noEntries? = error("{}") else { Issue.record("expected noEntries"); return }
    }

    @Test func missingFrames() {
        #expect(error(#"{"t1": {"boxes": [[1, 2, 3, 4]]}}"#)?.description.contains("t1: missing field 'frames'") == true)
    }

    @Test func missingBoxes() {
        guard case let .missingField(_, id, field)? = error(#"{"t1": {"frames": ["S01/c001/img1/000001.jpg"]}}"#) else {
            Issue.record("expected missingField"); return
        }
        #expect(id == "t1")
        #expect(field == "boxes")
    }

    @Test func countMismatch() {
        let e = error(#"{"t1": {"frames": ["S01/c001/img1/000001.jpg", "S01/c001/img1/000002.jpg"], "boxes": [[1, 2, 3, 4]]}}"#)
        #expect(e?.description.hasSuffix("t1: 'frames' has 2 entries but 'boxes' has 1") == true)
    }

    @Test(arguments: ["[1, 2, 0, 4]", "[1, 2, 3, -4]", "[1, 2, 1e999, 4]", "[1, 2, 3]", "[1, 2, \"3\", 4]"])
    func invalidBox(box: String) {
        guard case let .invalidBox(_, id, index, _)? = error(#"{"t1": {"frames": ["S01/c001/img1/000001.jpg"], "boxes": [\#(box)]}}"#) else {
            Issue.record("expected invalidBox for \(box)"); return
        }
        #expect(id == "t1")
        #expect(index == 0)
    }

    @Test func duplicateID() {
        #expect(error(#"{"t1": \#(Self.goodTrack), "t1": \#(Self.goodTrack)}"#) == .duplicateID(file: dir.url.appendingPathComponent("tracks.json").path, id: "t1"))
    }

    @Test func emptyID() {
        guard case .emptyID? = error(#"{"": \#(Self.goodTrack)}"#) else { Issue.record("expected emptyID"); return }
    }

    @Test func invalidFramePath() {
        guard case let .invalidFramePath(_, _, index, path)? = error(#"{"t1": {"frames": ["S01/c001/img1/000001.jpg", "frame.jpg"], "boxes": [[1, 2, 3, 4], [1, 2, 3, 4]]}}"#) else {
            Issue.record("expected invalidFramePath"); return
        }
        #expect(index == 1)
        #expect(path == "frame.jpg")
    }

    @Test func wrongTypeOfDescriptions() {
        guard case let .wrongType(_, _, field, _, _)? = error(#"{"t1": {"frames": ["S01/c001/img1/000001.jpg"], "boxes": [[1, 2, 3, 4]], "nl": "a car"}}"#) else {
            Issue.record("expected wrongType"); return
        }
        #expect(field == "nl")
    }

    @Test func emptyFrames() {
        #expect(error(#"{"t1": {"frames": [], "boxes": []}}"#)?.description.contains("'frames' is empty") == true)
    }
}

struct QueryFileTests {
    let dir = TemporaryDirectory()

    @Test func readsBoth2021And2022Forms() throws {
        let q21 = try QueryFile.load(from: try dir.write("q21.json", #"{"q1": ["A red car.", "A red sedan.", "Red car turns."]}"#))
        #expect(q21 == [QueryRecord(id: "q1", nl: ["A red car.", "A red sedan.", "Red car turns."])])
        let q22 = try QueryFile.load(from: try dir.write("q22.json", #"{"q1": {"nl": ["A", "B", "C"], "nl_other_views": ["D"]}}"#))
        #expect(q22 == [QueryRecord(id: "q1", nl: ["A", "B", "C"], otherViews: ["D"])])
    }

    @Test func rejectsQueryWithoutDescriptions() {
        #expect(throws: DataError.emptyField(file: dir.url.appendingPathComponent("q.json").path, id: "q1", field: "nl")) {
            try QueryFile.load(from: try dir.write("q.json", #"{"q1": []}"#))
        }
        #expect(throws: DataError.self) { try QueryFile.load(from: try dir.write("q.json", #"{"q1": {"nl_other_views": []}}"#)) }
        #expect(throws: DataError.self) { try QueryFile.load(from: try dir.write("q.json", #"{"q1": 3}"#)) }
    }
}

struct CityFlowFileWriterTests {
    let dir = TemporaryDirectory()

    @Test func writtenFilesLoadBackInOrder() throws {
        let frames = (1...3).map { FrameRef(path: "train/S02/c006/img1/\(String(format: "%06d", $0)).jpg", scene: "S02", camera: "c006", frame: $0) }
        let tracks = [
            Track(id: "z", frames: frames, boxes: [Box(x: 1, y: 2, w: 30, h: 40), Box(x: 3.5, y: 4, w: 30, h: 40), Box(x: 5, y: 6, w: 31, h: 41)],
                  nl: ["A red sedan.", "A \"quoted\" car é🚗"], otherViews: ["A car."]),
            Track(id: "a", frames: Array(frames.prefix(1)), boxes: [Box(x: 7, y: 8, w: 9, h: 10)]),
        ]
        let trackURL = dir.file("tracks.json")
        try CityFlowFileWriter.write(tracks, to: trackURL)
        #expect(try TrackFile.load(from: trackURL) == tracks)

        let queries = [QueryRecord(id: "q2", nl: ["A", "B", "C"], otherViews: ["D"]), QueryRecord(id: "q1", nl: ["E"])]
        let queryURL = dir.file("queries.json")
        try CityFlowFileWriter.write(queries, to: queryURL)
        #expect(try QueryFile.load(from: queryURL) == queries)
    }

    @Test func duplicateIDsAreRefused() {
        let track = Track(id: "t", frames: [FrameRef(path: "S01/c001/img1/000001.jpg", scene: "S01", camera: "c001", frame: 1)],
                          boxes: [Box(x: 1, y: 1, w: 1, h: 1)])
        #expect(throws: CityFlowFileWriter.WriteError.duplicateID("t")) { try CityFlowFileWriter.trackFile([track, track]) }
    }
}

struct JSONTests {
    @Test func roundTripsEscapesAndUnicode() throws {
        let text = #"{"a":["x\"y","\u00e9\ud83d\ude97","tab\t"],"b":{"c":null,"d":true,"e":-1.5e2}}"#
        let json = try JSON.parse(Array(text.utf8))
        #expect(json["a"] == .array([.string("x\"y"), .string("é🚗"), .string("tab\t")]))
        #expect(json["b"]?["e"] == .number(-150))
        #expect(try JSON.parse(Array(json.serialized().utf8)) == json)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "\"abc", "1 2", "{\"a\":01x}"])
    func rejectsInvalidText(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSON.parse(Array(text.utf8)) }
    }
}

struct RealFileTests {
    static let trackFiles = [
        ("cityflow-nl/2022/test-tracks.json", 184),
        ("cityflow-nl/2022/val-tracks.json", 100),
        ("cityflow-nl/2021/test-tracks.json", 530),
        ("cityflow-sample/test-tracks.json", 2),
    ]
    static let queryFiles = [
        ("cityflow-nl/2022/test-queries.json", 184),
        ("cityflow-nl/2021/test-queries.json", 530),
        ("cityflow-nl/2022/train-nl.json", 2155),
    ]

    @Test(.requiresShared(trackFiles.map(\.0)), arguments: trackFiles)
    func loadsRealTrackFiles(path: String, count: Int) throws {
        let tracks = try TrackFile.load(from: TestData.sharedData(path))
        #expect(tracks.count == count)
        #expect(tracks.allSatisfy { $0.frames.count == $0.boxes.count && !$0.camera.isEmpty })
    }

    @Test(.requiresShared(queryFiles.map(\.0)), arguments: queryFiles)
    func loadsRealQueryFiles(path: String, count: Int) throws {
        let queries = try QueryFile.load(from: TestData.sharedData(path))
        #expect(queries.count == count)
        #expect(queries.allSatisfy { $0.nl.count == 3 })
    }
}
