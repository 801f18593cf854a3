import Foundation
import SightlineData

/// Seeded mutation of valid inputs, for fuzz tests that run in CI: byte flips, insertions,
/// deletions, splices, numbers replaced by extreme ones, deep nesting and bytes that are not
/// UTF-8. The same seed and iteration always give the same input, on every platform.
public struct Mutator: Sendable {
    public let seeds: [[UInt8]]

    public init(seeds: [[UInt8]]) {
        precondition(!seeds.isEmpty, "a mutator needs at least one seed")
        self.seeds = seeds
    }

    /// Iterations per fuzz target: `SIGHTLINE_FUZZ_ITERATIONS` when set, else `default`.
    public static func iterations(default count: Int) -> Int {
        ProcessInfo.processInfo.environment["SIGHTLINE_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? count
    }

    /// The input of `iteration` of the target named by `seed`: one seed with one to four mutations.
    public func input(_ iteration: Int, seed: UInt64) -> [UInt8] {
        var rng = SplitMix64(seed: seed ^ (UInt64(iteration) &* 0xD6E8_FEB8_6659_FD93))
        var bytes = seeds[Int(rng.next() % UInt64(seeds.count))]
        for _ in 0...Int(rng.next() % 4) { mutate(&bytes, using: &rng) }
        return bytes
    }

    /// Extreme and malformed numbers: huge, negative, beyond 64 bits, NaN-ish text.
    static let numbers: [[UInt8]] = [
        "1e308", "-1e308", "1e999", "-1e999", "-0", "0.0", "NaN", "-Infinity", "nan", "inf", "1e-320",
        "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "4294967296", "65500", "2147483647", "-1", "0", "1" + String(repeating: "0", count: 400), "0.5", "1.", ".5", "01", "1e",
    ].map { Array($0.utf8) }

    /// Text that JSON readers and stored-record decoders find hardest: the numbers above, lone
    /// and overlong UTF-8, a byte-order mark, brackets, quotes, escapes and varints of every length.
    static let tokens: [[UInt8]] = numbers + [
        "null", "true", "false", "\"\"", "[]", "{}", "[", "]", "{", "}", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\udc00",
        "\\ud83d\\ude97", "\\u0000", "é", "🚗", "\"frames\"", "\"boxes\"", "\"nl\"", "\"nl_other_views\"",
        "S01/c001/img1/000001.jpg", "./", "/", ".jpg",
    ].map { Array($0.utf8) } + [
        [0xFF], [0xFE], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC3], [0x80],
        [0xEF, 0xBB, 0xBF], [0x00], [0x7F], [0x0A], [0x09],
        [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
        [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x01], [0x02], [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],
    ]

    func mutate(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        func position(_ extra: Int = 0) -> Int { Int(rng.next() % UInt64(bytes.count + extra)) }
        func length() -> Int { 1 + Int(rng.next() % (rng.next() % 4 == 0 ? 256 : 8)) }
        switch rng.next() % 10 {
        case 0 where !bytes.isEmpty:
            bytes[position()] ^= UInt8(1 << (rng.next() % 8))
        case 1 where !bytes.isEmpty:
            bytes[position()] = UInt8(truncatingIfNeeded: rng.next())
        case 2:
            bytes.insert(contentsOf: (0..<length()).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: position(1))
        case 3 where !bytes.isEmpty:
            let start = position()
            bytes.removeSubrange(start..<min(bytes.count, start + length()))
        case 4:
            let other = seeds[Int(rng.next() % UInt64(seeds.count))]
            guard !other.isEmpty else { return }
            let from = Int(rng.next() % UInt64(other.count))
            let piece = other[from..<min(other.count, from + length())]
            let at = position(1)
            if rng.next() % 2 == 0 {
                bytes.insert(contentsOf: piece, at: at)
            } else {
                bytes.replaceSubrange(at..<min(bytes.count, at + piece.count), with: piece)
            }
        case 5:
            replaceNumber(&bytes, using: &rng)
        case 6:
            let depth = [2, 64, 511, 512, 513, 5_000][Int(rng.next() % 6)]
            let open: UInt8 = rng.next() % 2 == 0 ? UInt8(ascii: "[") : UInt8(ascii: "{")
            var nest = [UInt8](repeating: open, count: depth)
            if rng.next() % 2 == 0 { nest += [UInt8](repeating: open == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}"), count: depth) }
            bytes.insert(contentsOf: nest, at: position(1))
        case 7 where !bytes.isEmpty:
            bytes.removeSubrange(position()...)
        default:
            bytes.insert(contentsOf: Self.tokens[Int(rng.next() % UInt64(Self.tokens.count))], at: position(1))
        }
    }

    /// Replaces one run of number characters (digits, sign, point, exponent) with an extreme token.
    func replaceNumber(_ bytes: inout [UInt8], using rng: inout SplitMix64) {
        let numberish = Set(Array("0123456789-+.eE".utf8))
        let starts = bytes.indices.filter { numberish.contains(bytes[$0]) && ($0 == 0 || !numberish.contains(bytes[$0 - 1])) }
        guard !starts.isEmpty else { return }
        let start = starts[Int(rng.next() % UInt64(starts.count))]
        var end = start
        while end < bytes.count, numberish.contains(bytes[end]) { end += 1 }
        bytes.replaceSubrange(start..<end, with: Self.numbers[Int(rng.next() % UInt64(Self.numbers.count))])
    }
}
