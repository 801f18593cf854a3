import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineData

struct MOTGroundTruthTests {
    @Test(arguments: ["\n", "\r\n"]) func readsEveryLineWhateverTheLineEnding(ending: String) throws {
        let dir = TemporaryDirectory()
        let text = ["28,9,472,230,140,123,1,-1,-1,-1", "28,11,634,130,89,85,1,-1,-1,-1", "29,9,470,231,141,124,1,-1,-1,-1", ""].joined(separator: ending)
        let boxes = try MOTGroundTruth.load(from: try dir.write("gt.txt", text))
        #expect(boxes.count == 3)
        #expect(boxes[1] == MOTBox(frame: 28, id: 11, box: Box(x: 634, y: 130, w: 89, h: 85)))
        #expect(Set(boxes.map(\.id)) == [9, 11])
    }

    @Test func malformedLineNamesFileAndLine() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("gt.txt", "28,9,472,230,140,123,1,-1,-1,-1\n28,9,oops,230,140\n")
        #expect(throws: DataError.malformedLine(file: file.path, line: 2, reason: "expected frame,id,left,top,width,height as numbers")) {
            try MOTGroundTruth.load(from: file)
        }
    }

    @Test func nonPositiveSizeIsRejected() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("gt.txt", "28,9,472,230,0,123,1,-1,-1,-1\n")
        #expect(throws: DataError.malformedLine(file: file.path, line: 1, reason: "box size must be positive and finite")) {
            try MOTGroundTruth.load(from: file)
        }
    }

    @Test func emptyAndMissingFilesAreErrors() throws {
        let dir = TemporaryDirectory()
        let empty = try dir.write("gt.txt", "\n\n")
        #expect(throws: DataError.empty(file: empty.path)) { try MOTGroundTruth.load(from: empty) }
        #expect(throws: DataError.self) { try MOTGroundTruth.load(from: dir.url.appendingPathComponent("absent.txt")) }
    }

    @Test(.requiresShared("cityflow-sample/train/S01/c003/gt/gt.txt"))
    func readsTheSampleGroundTruth() throws {
        let boxes = try MOTGroundTruth.load(from: TestData.sharedData("cityflow-sample/train/S01/c003/gt/gt.txt"))
        #expect(boxes.count == 484)
        #expect(Set(boxes.map(\.id)).count == 9)
        #expect(boxes.map(\.frame).min() == 28 && boxes.map(\.frame).max() == 120)
    }
}
