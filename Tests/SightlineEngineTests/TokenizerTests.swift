import SightlineTestSupport
import Testing
@testable import SightlineEngine

@Suite struct TokenizerTests {
    private let tokenizer: WordPieceTokenizer = {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "red", "pick", "##up", "truck", "!", ",", "cafe", "北", "京", "un", "##aff", "##able", "."]
        let vocabulary = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, Int32($0)) })
        return try! WordPieceTokenizer(vocabulary: vocabulary, maxLength: 8)
    }()

    @Test func lowerCasesAndSplitsPunctuation() {
        #expect(tokenizer.pieces("A RED Pickup truck!") == ["a", "red", "pick", "##up", "truck", "!"])
    }

    @Test func stripsAccentsAndSpacesCJK() {
        #expect(tokenizer.pieces("Café,北京") == ["cafe", ",", "北", "京"])
    }

    @Test func unknownWordsBecomeUnk() {
        #expect(tokenizer.pieces("unaffable zebra") == ["un", "##aff", "##able", "[UNK]"])
    }

    @Test func controlCharactersAndExtraWhitespaceVanish() {
        #expect(tokenizer.pieces("  a\u{0007}\t red\n\u{00A0}truck ") == ["a", "red", "truck"])
    }

    @Test func encodeAddsSpecialTokensAndTruncates() {
        #expect(tokenizer.encode("a red truck") == [2, 4, 5, 8, 3])
        let long = tokenizer.encode("a a a a a a a a a a")
        #expect(long.count == 8 && long.first == 2 && long.last == 3)
    }

    @Test func missingSpecialTokenThrows() {
        #expect(throws: TokenizerError.missingSpecialToken(path: "<memory>", token: "[CLS]")) {
            try WordPieceTokenizer(vocabulary: ["[PAD]": 0, "[UNK]": 1, "[SEP]": 3])
        }
    }

    @Test(.requiresModels(TestPaths.installed(.miniLM)))
    func realVocabularyMatchesHuggingFaceTokenIDs() throws {
        let fixture = try TestPaths.fixture("minilm")
        let texts = fixture["texts"] as? [String] ?? []
        let ids = fixture["tokenIDs"] as? [[Int]] ?? []
        let real = try WordPieceTokenizer(vocabularyPath: try TestPaths.store.path(.miniLM, file: 1))
        #expect(texts.count >= 20 && texts.count == ids.count)
        for (text, expected) in zip(texts, ids) {
            #expect(real.encode(text).map(Int.init) == expected, "\(text)")
        }
    }
}
