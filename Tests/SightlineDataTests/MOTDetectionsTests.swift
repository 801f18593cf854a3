import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineData

struct MOTDetectionsTests {
    @Test func readsFramesBoxesScoresAndClasses() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("det.txt", "1,-1,10,20,30,40,0.9,2\n1,-1,100,20,30,40,0.35,7,-1,-1\r\n3,-1,5.5,6,7,8,0.6\n\n")
        let byFrame = try MOTDetections.load(from: file)
        #expect(byFrame.keys.sorted() == [1, 3])
        #expect(byFrame[1] == [Detection(box: Box(x: 10, y: 20, w: 30, h: 40), score: 0.9, label: .car),
                               Detection(box: Box(x: 100, y: 20, w: 30, h: 40), score: 0.35, label: .truck)])
        #expect(byFrame[3] == [Detection(box: Box(x: 5.5, y: 6, w: 7, h: 8), score: 0.6, label: .car)])
    }

    @Test(arguments: [
        ("1,-1,10,20,30,40,0.9\n2,-1,10,20,30,40", 2, "field 'score' (column 7) is missing: expected frame,id,left,top,width,height,score"),
        ("1,-1,10,20,30,40,0.9\n1,-1,10,abc,30,40,0.9", 2, "field 'top' (column 4) is 'abc', not a finite number"),
        ("0,-1,10,20,30,40,0.9", 1, "field 'frame' (column 1) is 0, not a whole number from 1"),
        ("2.5,-1,10,20,30,40,0.9", 1, "field 'frame' (column 1) is 2.5, not a whole number from 1"),
        ("1,-1,10,20,0,40,0.9", 1, "field 'width' (column 5) is 0.0, not a positive size up to 100000 pixels"),
        ("1,-1,10,20,30,nan,0.9", 1, "field 'height' (column 6) is 'nan', not a finite number"),
        ("1,-1,10,20,30,40,1.5", 1, "field 'score' (column 7) is 1.5, outside [0, 1]"),
        ("1,-1,10,20,30,40,0.9,0", 1, "field 'class' (column 8) is 0, not a COCO vehicle class (2, 3, 5, 7) or -1"),
    ] as [(String, Int, String)])
    func aBadLineNamesTheFileTheLineAndTheField(text: String, line: Int, reason: String) throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("det.txt", text)
        #expect(throws: DataError.malformedLine(file: file.path, line: line, reason: reason)) { try MOTDetections.load(from: file) }
    }

    @Test func aFileWithoutDetectionsIsAnError() throws {
        let dir = TemporaryDirectory()
        let file = try dir.write("det.txt", "\n")
        #expect(throws: DataError.empty(file: file.path)) { try MOTDetections.load(from: file) }
    }
}
