import Foundation
import Testing
@testable import SightlineEngine
@testable import SightlineWeightFiles

@Suite struct SafeTensorsTests {
    private func file(_ header: String, data: [Float]) -> [UInt8] {
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) }
        bytes += Array(header.utf8)
        for value in data { bytes += withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        return bytes
    }

    @Test func readsTensors() throws {
        let bytes = file(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"__metadata__":{"format":"pt"}}"#, data: [1, 2, 3, 4])
        let tensors = try SafeTensors.parse(bytes, path: "t.safetensors")
        #expect(tensors["w"] == StoredTensor(shape: [2, 2], data: [1, 2, 3, 4]))
    }

    @Test func truncatedDataThrows() {
        let bytes = file(#"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#, data: [1, 2])
        #expect(throws: WeightFileError.self) { try SafeTensors.parse(bytes, path: "t.safetensors") }
    }

    @Test func headerLengthPastEndThrowsTruncated() {
        var bytes = file(#"{}"#, data: [])
        bytes[0] = 0xFF
        #expect(throws: WeightFileError.truncated(path: "t", offset: 8, needed: 255)) { try SafeTensors.parse(bytes, path: "t") }
    }

    @Test func garbageHeaderThrowsMalformed() {
        let bytes = file("not json", data: [])
        #expect(throws: WeightFileError.malformed(path: "t", offset: 8, reason: "header is not a JSON object")) {
            try SafeTensors.parse(bytes, path: "t")
        }
    }

    @Test func missingFileThrowsUnreadable() {
        #expect(throws: WeightFileError.unreadable(path: "/nonexistent/m.safetensors", reason: "no such file")) {
            try SafeTensors.load(path: "/nonexistent/m.safetensors")
        }
    }
}

@Suite struct StrictWeightsTests {
    @Test func missingExtraAndMisshapenKeysThrow() throws {
        var weights = StrictWeights(["a": Tensor(shape: [2], data: [1, 2]), "b": Tensor(shape: [1], data: [3])], path: "p")
        #expect(throws: WeightFileError.missingKey(path: "p", key: "c")) { try weights.take("c") }
        #expect(throws: WeightFileError.shapeMismatch(path: "p", key: "a", expected: [3], found: [2])) { try weights.take("a", shape: [3]) }
        #expect(throws: WeightFileError.unexpectedKey(path: "p", key: "b")) { try weights.finish { _ in false } }
        try weights.finish { $0 == "b" }
    }
}

@Suite(.enabled(if: TestPaths.installed(.efficientNetLite0), TestPaths.modelsSkip))
struct TorchCheckpointTests {
    private var path: String { (try? TestPaths.store.path(.efficientNetLite0)) ?? "" }

    @Test func realLegacyCheckpointLoads() throws {
        let tensors = try TorchCheckpoint.load(path: path)
        #expect(tensors["_conv_stem.weight"]?.shape == [32, 3, 3, 3])
        #expect(tensors["_fc.weight"]?.shape == [1000, 1280])
        #expect(tensors.count == 296)
    }

    @Test(arguments: [0.0, 0.001, 0.25, 0.5, 0.9, 0.999])
    func truncatedCopiesThrowTypedErrors(fraction: Double) throws {
        let bytes = try WeightFile.read(path)
        let cut = try TestPaths.temporaryFile(Array(bytes.prefix(Int(Double(bytes.count) * fraction))), name: "cut.pth")
        #expect(throws: WeightFileError.self) { try TorchCheckpoint.load(path: cut) }
    }

    /// What flipping 16 bytes of the lite0 checkpoint does, by where they lie: in pickle opcodes of the header
    /// or state dict (0–42485), in the `_metadata` state that loading discards, or in the raw storages (from 47176).
    enum Corruption: Sendable {
        case malformed, sameTensors, oneTensorChanged
    }

    @Test(arguments: [(3, Corruption.malformed), (40, .malformed), (200, .malformed), (2000, .malformed),
                      (40000, .sameTensors), (1_000_000, .oneTensorChanged)])
    func corruptedCopiesThrowMalformedOrLoadWhatTheyHold(offset: Int, outcome: Corruption) throws {
        var bytes = try WeightFile.read(path)
        for i in offset..<min(offset + 16, bytes.count) { bytes[i] ^= 0xA5 }
        let corrupt = try TestPaths.temporaryFile(bytes, name: "corrupt.pth")
        switch outcome {
        case .malformed:
            let error = #expect(throws: WeightFileError.self) { try EfficientNetLite(checkpointPath: corrupt, variant: .lite0) }
            guard case let .malformed(errorPath, _, _)? = error else {
                Issue.record("expected a malformed-file error, got \(String(describing: error))")
                return
            }
            #expect(errorPath == corrupt)
        case .sameTensors:
            _ = try EfficientNetLite(checkpointPath: corrupt, variant: .lite0)
            #expect(try TorchCheckpoint.load(path: corrupt) == TorchCheckpoint.load(path: path))
        case .oneTensorChanged:
            _ = try EfficientNetLite(checkpointPath: corrupt, variant: .lite0)
            let loaded = try TorchCheckpoint.load(path: corrupt), original = try TorchCheckpoint.load(path: path)
            #expect(loaded.keys.sorted() == original.keys.sorted())
            #expect(original.keys.filter { loaded[$0] != original[$0] }.count == 1)
        }
    }

    @Test func zipContainerIsReportedAsUnsupported() throws {
        let zip = try TestPaths.temporaryFile([0x50, 0x4B, 0x03, 0x04, 0, 0], name: "new.pth")
        #expect(throws: WeightFileError.self) { try TorchCheckpoint.load(path: zip) }
    }

    @Test func wrongVariantFailsStrictLoading() {
        #expect(throws: WeightFileError.self) { try EfficientNetLite(checkpointPath: path, variant: .lite2) }
    }
}
