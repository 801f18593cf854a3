import Foundation
import SightlineTestSupport
import Testing
@testable import SightlineData

struct SubmissionTests {
    let dir = TemporaryDirectory()

    @Test func writesEveryTrackOnceAndReadsBack() throws {
        let url = dir.url.appendingPathComponent("sub.json")
        let submission = Submission(rankings: [("q1", ["b", "a", "c"]), ("q2", ["a", "c", "b"])])
        try submission.write(to: url, gallery: ["a", "b", "c"])
        #expect(try Submission.load(from: url) == submission)
        #expect(dir.contents == ["sub.json"])
    }

    @Test func refusesIncompleteOrRepeatedRankingsAndLeavesNoFile() {
        let url = dir.url.appendingPathComponent("sub.json")
        #expect(throws: DataError.self) {
            try Submission(rankings: [("q1", ["a", "b"])]).write(to: url, gallery: ["a", "b", "c"])
        }
        #expect(throws: DataError.self) {
            try Submission(rankings: [("q1", ["a", "b", "b"])]).write(to: url, gallery: ["a", "b"])
        }
        #expect(throws: DataError.self) {
            try Submission(rankings: [("q1", ["a", "x"])]).write(to: url, gallery: ["a", "b"])
        }
        #expect(dir.contents.isEmpty)
    }

    @Test func failedWriteLeavesPreviousFileIntact() throws {
        let url = dir.url.appendingPathComponent("sub.json")
        try Submission(rankings: [("q1", ["a"])]).write(to: url, gallery: ["a"])
        #expect(throws: DataError.self) { try Submission(rankings: [("q1", [])]).write(to: url, gallery: ["a"]) }
        #expect(try Submission.load(from: url) == Submission(rankings: [("q1", ["a"])]))
    }

    @Test func unwritableDestinationIsAnError() {
        let url = dir.url.appendingPathComponent("missing-folder/sub.json")
        #expect(throws: DataError.self) { try Submission(rankings: [("q1", ["a"])]).write(to: url, gallery: ["a"]) }
    }
}

struct RetrievalMetricsTests {
    @Test func handComputedMRRAndRecall() throws {
        // ranks 1, 2, 7 and one missing target (scored at rank 100)
        let submission = Submission(rankings: [
            ("q1", ["t1", "t2"]), ("q2", ["t1", "t2"]),
            ("q3", ["a", "b", "c", "d", "e", "f", "t3"]), ("q4", ["t1"]),
        ])
        let truth = GroundTruth(targets: [("q1", "t1"), ("q2", "t2"), ("q3", "t3"), ("q4", "t9")])
        let m = try RetrievalMetrics(submission: submission, truth: truth)
        #expect(abs(m.mrr - (1 + 0.5 + 1.0 / 7 + 0.01) / 4) < 1e-12)
        #expect(m.recall(at: 1) == 0.25)
        #expect(m.recall(at: 5) == 0.5)
        #expect(m.recall(at: 10) == 0.75)
        #expect(m.perQuery.map(\.rank) == [1, 2, 7, nil])
        #expect(m.perQueryCSV().split(separator: "\n").last == "q4,t9,,0.01")
    }

    @Test func missingQueryIsAnError() {
        let truth = GroundTruth(targets: [("q1", "t1"), ("q2", "t1")])
        #expect(throws: DataError.self) {
            try RetrievalMetrics(submission: Submission(rankings: [("q1", ["t1"])]), truth: truth)
        }
    }

    @Test func truthFileForms() throws {
        let dir = TemporaryDirectory()
        let a = try GroundTruth.load(from: try dir.write("a.json", #"{"q1": "t1", "q2": ["t2", "t3"]}"#))
        #expect(a == GroundTruth(targets: [("q1", "t1"), ("q2", "t2")]))
        #expect(throws: DataError.self) { try GroundTruth.load(from: try dir.write("b.json", #"{"q1": 5}"#)) }
    }
}
