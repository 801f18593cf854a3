import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineData

/// Boxes whose numbers are finite but far outside any image are refused when the file is read.
struct BoxBoundsTests {
    let dir = TemporaryDirectory()

    static let frames = (1...4).map { "\"S01/c001/img1/00000\($0).jpg\"" }.joined(separator: ", ")

    func load(boxes: String) throws -> [Track] {
        try TrackFile.load(from: try dir.write("tracks.json", #"{"t1": {"frames": [\#(Self.frames)], "boxes": [\#(boxes)]}}"#))
    }

    @Test(arguments: [
        "[-1e308, 1e308, 1e308, 1e308]",
        "[100001, 0, 10, 10]",
        "[0, -100001, 10, 10]",
        "[0, 0, 100001, 10]",
        "[0, 0, 10, 1e300]",
    ])
    func hugeBoxIsRefusedNamingFileTrackAndField(box: String) {
        let file = dir.url.appendingPathComponent("tracks.json").path
        #expect {
            _ = try load(boxes: "[1, 1, 10, 10], [1, 1, 10, 10], [1, 1, 10, 10], \(box)")
        } throws: { error in
            guard case let DataError.invalidBox(name, id, index, _) = error else { return false }
            let text = (error as? DataError)?.description ?? ""
            return name == file && id == "t1" && index == 3 && text.contains(file) && text.contains("t1") && text.contains("boxes[3]")
        }
    }

    @Test func boxesAtTheBoundAreAccepted() throws {
        let tracks = try load(boxes: "[-100000, -100000, 100000, 100000], [100000, 100000, 1e-300, 1e-300], [0, 0, 5e-324, 5e-324], [1, 1, 10, 10]")
        #expect(tracks.first?.boxes.count == 4)
    }
}
