import Foundation
import SightlineData
@testable import SightlineIndex
import SightlineSearch
import SightlineTestSupport
import Testing

/// Damaged SQLite files are found and never written into; reading commands open read-only.
@Suite struct SQLiteIntegrityTests {
    let scratch = TemporaryDirectory(prefix: "sightline-integrity")

    /// An index of 120 tracks of 60 frames over 12 cameras: enough pages to damage some in the middle.
    func builtIndex() async throws -> String {
        let path = scratch.file("index-\(UUID().uuidString).sqlite").path
        var tracks: [Track] = []
        for c in 0..<12 {
            for k in 0..<10 {
                tracks.append(Fixtures.track("t\(c)-\(k)", camera: "c\(c + 1)", start: 1 + 7 * k, frames: 60, from: (Double(100 + 30 * k), 900)))
            }
        }
        let index = try SQLiteIndex(path: path, access: .create)
        _ = try await index.add(tracks, options: AddOptions())
        try await index.close()
        return path
    }

    @Test func aCleanIndexIsSound() async throws {
        let path = try await builtIndex()
        let index = try SQLiteIndex(path: path, access: .read)
        let report = try await index.check()
        try await index.close()
        #expect(report.isSound, "\(report.problems)")
        #expect(report.tracks == 120)
        #expect(report.checks.first == "SQLite integrity_check")
    }

    @Test func damagedPagesAreReportedAndNeverWrittenInto() async throws {
        let path = try await builtIndex()
        try IndexFileDamage.overwritePages(path)
        let index = try SQLiteIndex(path: path, access: .read)
        let report = try await index.check()
        try await index.close()
        #expect(!report.isSound)
        #expect(report.problems.contains { $0.hasPrefix("SQLite integrity_check:") }, "\(report.problems)")

        let before = try IndexFileDamage.fingerprint(path)
        #expect {
            _ = try SQLiteIndex(path: path, access: .write)
        } throws: { error in
            guard case let IndexError.damaged(index, check, problems)? = error as? IndexError else { return false }
            return index == path && check == "SQLite quick_check" && !problems.isEmpty
                && (error as? IndexError)?.description.contains("Rebuild the index") == true
        }
        #expect(try IndexFileDamage.fingerprint(path) == before, "nothing was written into the damaged file")
    }

    /// A clean close leaves no WAL content; a non-empty `-wal` left beside the index (as a killed
    /// writer leaves it) asks for the full check.
    @Test func aLeftoverWALRunsTheFullCheckBeforeWriting() async throws {
        let path = try await builtIndex()
        #expect(!SQLiteStore.walInUse(path), "a writer that closed leaves the WAL empty")
        try IndexFileDamage.overwritePages(path)
        try Data(repeating: 0, count: 64).write(to: URL(fileURLWithPath: path + "-wal"))
        #expect {
            _ = try SQLiteIndex(path: path, access: .create)
        } throws: { error in
            guard case let IndexError.damaged(_, check, _)? = error as? IndexError else { return false }
            return check == "SQLite integrity_check"
        }
    }

    /// Opened for reading, the file is searched without a byte or its modification time changing,
    /// and writes through it fail: SQLite's read-only open flag, whoever runs the test.
    @Test func readingOpensReadOnly() async throws {
        let path = try await builtIndex()
        let before = try IndexFileDamage.fingerprint(path)
        let index = try await IndexLocation.open(path, access: .read)
        let searcher = try await IndexSearcher(index: index)
        let hits = try await searcher.search(SearchRequest(text: "a car going straight", top: 3))
        #expect(hits.count == 3)
        _ = try await index.stats()
        #expect(try await index.check().isSound)
        await #expect(throws: (any Error).self) { _ = try await index.add(Fixtures.small, options: AddOptions()) }
        try await index.close()
        #expect(try IndexFileDamage.fingerprint(path) == before)
    }

    /// A read-only file in a read-only folder is searchable. Root ignores permission bits, so as
    /// root the chmod would prove nothing: the test is skipped there (`readingOpensReadOnly`
    /// covers the read-only open itself).
    @Test(.enabled(if: getuid() != 0, "running as root, where chmod does not stop writes"))
    func aReadOnlyFileInAReadOnlyFolderIsSearchable() async throws {
        let path = try await builtIndex()
        let folder = scratch.url.appendingPathComponent("ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let moved = folder.appendingPathComponent("index.sqlite").path
        try FileManager.default.moveItem(atPath: path, toPath: moved)
        chmod(moved, 0o444)
        chmod(folder.path, 0o555)
        defer { chmod(folder.path, 0o755) }
        let index = try await IndexLocation.open(moved, access: .read)
        let searcher = try await IndexSearcher(index: index)
        #expect(try await searcher.search(SearchRequest(text: "a car", top: 2)).count == 2)
        try await index.close()
    }

    /// An index that lacks migrations, opened read-only, is refused with the advice to write it first, and left as it was.
    @Test func anUnmigratedIndexIsRefusedReadOnly() async throws {
        let path = scratch.file("old.sqlite").path
        let store = try SQLiteStore(path: path)
        try await store.write { try await $0.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)") }
        try await store.close()
        let before = try IndexFileDamage.fingerprint(path)
        #expect {
            _ = try SQLiteIndex(path: path, access: .read)
        } throws: { error in
            guard case .needsMigration? = error as? IndexError else { return false }
            return (error as? IndexError)?.description.contains("Run a writing command") == true
        }
        #expect(try IndexFileDamage.fingerprint(path) == before)
    }
}
