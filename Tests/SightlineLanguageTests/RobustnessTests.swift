import Foundation
@testable import SightlineLanguage
import Testing

@Suite("Robustness")
struct RobustnessTests {
    let parser = DescriptionParser()

    @Test(arguments: ["", " ", ".", "...,;!?", "\n\t", "The weather is nice today.", "qwerty asdf zxcv", "It.", "and then after before"])
    func nothingRecognisableGivesAnEmptyQuery(_ text: String) {
        let q = parser.parse(text)
        #expect(q.isEmpty)
        #expect(q.text == text)
    }

    @Test func nonASCIITextKeepsCharacterOffsets() throws {
        let text = "🚗🚕 Ein weißes Auto — a dark réd? no: a dark red SUV turns left. 日本語"
        let q = parser.parse(text)
        let target = try #require(q.target)
        #expect(target.type == .suv)
        #expect(target.colors.first?.span.substring(of: text) == "dark red")
        #expect(q.motions.first?.span.substring(of: text) == "turns left")
    }

    @Test func combiningMarksAndEmojiDoNotShiftSpans() throws {
        let text = "e\u{301}e\u{301} 👩‍👩‍👧 A white sedan stops."
        let q = parser.parse(text)
        #expect(q.target?.span.substring(of: text) == "A white sedan")
        #expect(q.motions.first?.span.substring(of: text) == "stops")
    }

    @Test func unknownWordsAndMisspellingsNeverCrash() {
        let texts = [
            "A blorft zimbly car frobnicates sideways.",
            "A gray sede n runs down the street no another  vehicle come.",
            "Suv bul car followed red sedan car.",
            "followed by", "behind it", "turns", "left", "in front of", "a a a a the the", "red red red",
            "It carries a cart behind it.", "After turning right.", ". followed by a gray vehicle.",
        ]
        for text in texts {
            let q = parser.parse(text)
            #expect(q.text == text)
            for span in [q.target?.span].compactMap({ $0 }) + q.motions.map(\.span) + q.locations.map(\.phraseSpan) {
                #expect(span.substring(of: text) != nil)
            }
        }
    }

    @Test func hundredKilobyteInputIsParsedWhole() {
        let sentence = "A dark red SUV turns left after stopping, followed by a white sedan behind it near the intersection. "
        let large = String(repeating: sentence, count: 1000)
        #expect(large.utf8.count >= 100_000)
        let q = parser.parse(large)
        #expect(q.text == large)
        #expect(q.target?.color == .red)
        #expect(q.relations.count >= 1000)
        let length = large.count
        #expect(q.motions.allSatisfy { $0.span.start >= 0 && $0.span.end <= length })
    }

    @Test(arguments: ["followed ", "car ", "a ", "red ", "behind it ", "turns ", "left lane ", "é", "🚗"])
    func pathologicalRepetitionKeepsSpansInsideTheText(_ unit: String) {
        let text = String(repeating: unit, count: 100_000 / unit.utf8.count)
        let q = parser.parse(text)
        #expect(q.text == text)
        let length = text.count
        let spans = [q.target?.span].compactMap { $0 } + q.motions.map(\.span) + q.locations.map(\.phraseSpan)
        #expect(spans.allSatisfy { $0.start >= 0 && $0.end <= length })
    }

    @Test func spanSubstringRejectsOutOfRange() {
        #expect(TextSpan(start: 3, end: 10).substring(of: "abc") == nil)
        #expect(TextSpan(start: 0, end: 3).substring(of: "abc") == "abc")
        #expect(TextSpan(start: 5, end: 2).length == 0)
    }
}

@Suite struct MirroredTextTests {
    @Test func swapsLeftAndRightKeepingCase() {
        #expect(TextAugmentation.mirrored("A car turns left, then Right at the leftmost lane.")
            == "A car turns right, then Left at the leftmost lane.")
        #expect(TextAugmentation.mirrored("LEFT") == "Right")
    }
}
