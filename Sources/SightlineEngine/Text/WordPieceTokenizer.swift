import Foundation

/// Why a tokenizer vocabulary could not be loaded.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The vocabulary file is missing or unreadable.
    case unreadableVocabulary(path: String)
    /// A required special token is absent from the vocabulary.
    case missingSpecialToken(path: String, token: String)

    public var description: String {
        switch self {
        case let .unreadableVocabulary(path): "cannot read WordPiece vocabulary \(path)"
        case let .missingSpecialToken(path, token): "WordPiece vocabulary \(path) lacks \(token)"
        }
    }
}

/// BERT's WordPiece tokenizer (Wu et al., 2016; Devlin et al., 2019): basic tokenisation,
/// then greedy longest-match-first sub-words with `##` continuations; words with no
/// segmentation become `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    /// Token id of each vocabulary entry.
    public let vocabulary: [String: Int32]
    /// Ids of `[CLS]`, `[SEP]`, `[PAD]` and `[UNK]`.
    public let cls: Int32, sep: Int32, pad: Int32, unknown: Int32
    /// Longest sequence produced, special tokens included (sentence-transformers' `max_seq_length`).
    public let maxLength: Int
    private let basic = BasicTokenizer()
    private let maxCharactersPerWord = 100

    /// Reads a `vocab.txt` with one token per line (line number = id).
    public init(vocabularyPath: String, maxLength: Int = 256) throws {
        guard let text = try? String(contentsOfFile: vocabularyPath, encoding: .utf8) else {
            throw TokenizerError.unreadableVocabulary(path: vocabularyPath)
        }
        var vocabulary: [String: Int32] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let token = line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
            if !token.isEmpty && vocabulary[token] == nil { vocabulary[token] = Int32(index) }
        }
        try self.init(vocabulary: vocabulary, maxLength: maxLength, path: vocabularyPath)
    }

    /// Uses an in-memory vocabulary (for tests).
    public init(vocabulary: [String: Int32], maxLength: Int = 256, path: String = "<memory>") throws {
        func special(_ token: String) throws -> Int32 {
            guard let id = vocabulary[token] else { throw TokenizerError.missingSpecialToken(path: path, token: token) }
            return id
        }
        self.vocabulary = vocabulary
        self.cls = try special("[CLS]")
        self.sep = try special("[SEP]")
        self.pad = try special("[PAD]")
        self.unknown = try special("[UNK]")
        self.maxLength = maxLength
    }

    /// Word pieces of `text`, without special tokens.
    public func pieces(_ text: String) -> [String] {
        basic(text).flatMap(wordPieces)
    }

    /// Token ids `[CLS] pieces… [SEP]`, truncated to `maxLength`.
    public func encode(_ text: String) -> [Int32] {
        let ids = pieces(text).map { vocabulary[$0] ?? unknown }
        return [cls] + ids.prefix(max(0, maxLength - 2)) + [sep]
    }

    private func wordPieces(_ word: String) -> [String] {
        let characters = Array(word.unicodeScalars)
        if characters.count > maxCharactersPerWord { return ["[UNK]"] }
        var pieces: [String] = []
        var start = 0
        while start < characters.count {
            var end = characters.count
            var found: String?
            while start < end {
                let candidate = (start > 0 ? "##" : "") + String(String.UnicodeScalarView(characters[start..<end]))
                if vocabulary[candidate] != nil { found = candidate; break }
                end -= 1
            }
            guard let piece = found else { return ["[UNK]"] }
            pieces.append(piece)
            start = end
        }
        return pieces
    }
}
