import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineSearch
import SightlineTestSupport
import Testing

/// Counts and sizes an index holds or a request asks for are bounded by what exists: a stored
/// count beyond its blob's bytes throws naming the track and column, and a `top` beyond the
/// gallery returns the gallery.
struct StoredSizeTests {
    let scratch = TemporaryDirectory(prefix: "sightline-index")

    static func varint(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = [], v = value
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    static func string(_ s: String) -> [UInt8] { varint(UInt64(s.utf8.count)) + Array(s.utf8) }

    static let template = [1] + string("train/S01/c001/img1/") + string(".jpg") + string("S01") + string("c001")

    /// Damaged blobs, by column: counts of 2^42 (61 TB of frames), counts beyond `Int`, a frame
    /// padding of a million digits, frame numbers that overflow, a box sum that overflows.
    static let damaged: [(column: String, blob: [UInt8], detail: String)] = [
        ("frames", template + varint(6) + varint(1 << 42) + [2, 2], "claims 4398046511104 frames but only 2 bytes remain"),
        ("frames", [0] + varint(UInt64.max), "claims 18446744073709551615 frames but only 0 bytes remain"),
        ("frames", template + varint(1_000_000) + varint(1) + [2], "claims 1000000 frame number digits, more than 64"),
        ("frames", template + varint(6) + varint(2) + varint(UInt64.max - 1) + varint(2), "frame 1 has a number outside 0...9223372036854775807"),
        ("frames", template + varint(6) + varint(1) + varint(1), "frame 0 has a number outside 0...9223372036854775807"),
        ("boxes", [1] + varint(1 << 42), "claims 4398046511104 boxes but only 0 bytes remain"),
        ("boxes", [0] + varint(UInt64(Int.max) + 1) + [UInt8](repeating: 0, count: 31), "claims 9223372036854775808 boxes but only 31 bytes remain"),
        ("boxes", [1] + varint(2) + varint(UInt64.max - 1) + [0, 0, 0] + varint(UInt64.max - 1) + [0, 0, 0], "box 1 overflows a 64-bit coordinate"),
    ]

    /// An index of `Fixtures.small` whose track `a` has `column` set to `blob` through SQL.
    func damagedIndex(_ column: String, _ blob: [UInt8]) async throws -> any VehicleIndex {
        let index = try await IndexLocation.open(scratch.file("i-\(UUID().uuidString).sqlite").path, access: .create)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        let backed = try #require(index as? any StoreBackedIndex)
        try await Self.execute(backed, "UPDATE track SET \(raw: column) = \(Data(blob)) WHERE id = 'a'")
        return index
    }

    static func execute(_ index: some StoreBackedIndex, _ sql: IndexSQL) async throws {
        try await index.store.write { try await $0.execute(sql) }
    }

    @Test(arguments: damaged.indices)
    func aDamagedStoredBlobThrowsNamingTrackAndColumn(_ i: Int) async throws {
        let (column, blob, detail) = Self.damaged[i]
        let index = try await damagedIndex(column, blob)
        let expected = IndexError.malformed(table: "track", key: "a", column: column, detail: detail)
        await #expect(throws: expected) { _ = try await index.track(id: "a") }
        await #expect(throws: expected) { _ = try await index.add([Fixtures.small[1]], options: AddOptions()) }
        let searcher = try await IndexSearcher(index: index)
        await #expect(throws: expected) { _ = try await searcher.search(SearchRequest(text: "a car", top: 10)) }
        #expect(try await index.track(id: "d") == Fixtures.small[3], "other tracks still read")
        try await index.close()
    }

    @Test func framesAndBoxesThatDisagreeThrow() async throws {
        let index = try await IndexLocation.open(scratch.file("i.sqlite").path, access: .create)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        let backed = try #require(index as? any StoreBackedIndex)
        try await Self.execute(backed, "UPDATE track SET boxes = (SELECT boxes FROM track WHERE id = 'c') WHERE id = 'a'")
        await #expect(throws: IndexError.malformed(table: "track", key: "a", column: "boxes", detail: "holds 40 boxes for 30 frames")) {
            _ = try await index.track(id: "a")
        }
        try await Self.execute(backed, "UPDATE track SET boxes = (SELECT boxes FROM track WHERE id = 'b'), frame_count = 7 WHERE id = 'a'")
        await #expect(throws: IndexError.malformed(table: "track", key: "a", column: "frame_count", detail: "is 7 but the track has 30 frames")) {
            _ = try await index.track(id: "a")
        }
        try await Self.execute(backed, "UPDATE track SET nl = \(String(repeating: "[", count: 513)) WHERE id = 'b'")
        await #expect(throws: IndexError.self) { _ = try await index.track(id: "b") }
        do { _ = try await index.track(id: "b") } catch let error as IndexError {
            guard case .malformed(table: "track", key: "b", column: "nl", detail: _) = error else { Issue.record("got \(error)"); return }
        }
        try await index.close()
    }

    @Test(arguments: [4_294_967_296, Int.max])
    func aTopBeyondTheGalleryReturnsTheGallery(top: Int) async throws {
        let request = try SearchRequest(text: "a car turns left", top: top).validated(.unbounded)
        let index = try await IndexLocation.open(scratch.file("i.sqlite").path, access: .create)
        _ = try await index.add(Fixtures.small, options: AddOptions())
        let searcher = try await IndexSearcher(index: index)
        #expect(try await searcher.search(request).count == Fixtures.small.count)
        #expect(searcher.ranked(request).count == Fixtures.small.count)
        var filtered = request
        filtered.cameras = ["c001"]
        #expect(try await searcher.search(filtered).count == 3)
        try await index.close()
        #expect(try await MemoryBackend(tracks: Fixtures.small).search(request).count == Fixtures.small.count)
    }
}
