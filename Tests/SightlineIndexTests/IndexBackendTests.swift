import Foundation
@testable import SightlineIndex
import SightlineTestSupport
import Testing

/// The index contract against SQLite.
@Suite struct SQLiteIndexTests {
    let backend = Backend.sqlite
    let scratch = TemporaryDirectory(prefix: "sightline-index")

    @Test func addIsIdempotentAndUpdates() async throws { try await IndexContract.addIsIdempotentAndUpdates(backend.freshLocation(in: scratch)) }
    @Test func removeRecomputesCameras() async throws {
        try await IndexContract.removeRecomputesCameras(backend.freshLocation(in: scratch), fresh: backend.freshLocation(in: scratch))
    }
    @Test func incrementalEqualsBatch() async throws {
        try await IndexContract.incrementalEqualsBatch(backend.freshLocation(in: scratch), fresh: backend.freshLocation(in: scratch))
    }
    @Test func statsCountTracksFramesAndPixels() async throws { try await IndexContract.statsCountTracksFramesAndPixels(backend.freshLocation(in: scratch)) }
    @Test func refusesOtherVersions() async throws { try await IndexContract.refusesOtherVersions(backend.freshLocation(in: scratch)) }
    @Test func malformedCountersThrow() async throws { try await IndexContract.malformedCountersThrow(backend.freshLocation(in: scratch)) }
    @Test func checkNamesBadRows() async throws { try await IndexContract.checkNamesBadRows(backend.freshLocation(in: scratch)) }
    @Test(.requiresShared("cityflow-nl/2022/test-tracks.json", "cityflow-nl/2022/test-queries.json"))
    func searchEqualsRanker() async throws { try await IndexContract.searchEqualsRanker(backend.freshLocation(in: scratch)) }
    @Test func filtersKeepMatchingTracks() async throws { try await IndexContract.filtersKeepMatchingTracks(backend.freshLocation(in: scratch)) }
    @Test func tiedFiltersAgreeWithMemory() async throws { try await IndexContract.tiedFiltersAgreeWithMemory(backend.freshLocation(in: scratch)) }
    @Test func refreshPicksUpChanges() async throws { try await IndexContract.refreshPicksUpChanges(backend.freshLocation(in: scratch)) }
    @Test func watchReloadsAfterWrites() async throws { try await IndexContract.watchReloadsAfterWrites(backend.freshLocation(in: scratch)) }
    @Test func concurrentWritersAgree() async throws {
        try await IndexContract.concurrentWritersAgree(backend.freshLocation(in: scratch), fresh: backend.freshLocation(in: scratch))
    }
    @Test func killedAddLeavesWholeTracks() async throws { try await IndexContract.killedAddLeavesWholeTracks(backend.freshLocation(in: scratch), scratch: scratch) }

    /// Reading commands must not create an empty index at a mistyped path.
    @Test func openingAMissingFileFailsUnlessCreating() async throws {
        let location = backend.freshLocation(in: scratch)
        await #expect(throws: IndexError.missing(location)) { try await IndexLocation.open(location, access: .read) }
        #expect(!FileManager.default.fileExists(atPath: location))
        let created = try await IndexLocation.open(location, access: .create)
        try await created.close()
        #expect(FileManager.default.fileExists(atPath: location))
    }

    /// Files written before the dialect layer keep opening: their migration names stay GRDB's.
    @Test func migrationNamesStay() async throws {
        let index = try SQLiteIndex(path: backend.freshLocation(in: scratch))
        let names = try await index.store.read { session in
            try await session.rows("SELECT identifier FROM grdb_migrations ORDER BY identifier")
                .map { try $0.record(in: "grdb_migrations", key: "identifier").text("identifier") }
        }
        #expect(names == ["v1"])
        try await index.close()
    }
}

/// The same contract against PostgreSQL; skipped, with the reason, when no server is configured.
@Suite(.enabled(if: Backend.postgresURL != nil, Backend.postgresSkip), .serialized)
struct PostgresIndexTests {
    let backend = Backend.postgres
    let scratch = TemporaryDirectory(prefix: "sightline-index")

    @Test func addIsIdempotentAndUpdates() async throws { try await IndexContract.addIsIdempotentAndUpdates(backend.freshLocation(in: scratch)) }
    @Test func removeRecomputesCameras() async throws {
        try await IndexContract.removeRecomputesCameras(backend.freshLocation(in: scratch), fresh: backend.freshLocation(in: scratch))
    }
    @Test func incrementalEqualsBatch() async throws {
        try await IndexContract.incrementalEqualsBatch(backend.freshLocation(in: scratch), fresh: backend.freshLocation(in: scratch))
    }
    @Test func statsCountTracksFramesAndPixels() async throws { try await IndexContract.statsCountTracksFramesAndPixels(backend.freshLocation(in: scratch)) }
    @Test func refusesOtherVersions() async throws { try await IndexContract.refusesOtherVersions(backend.freshLocation(in: scratch)) }
    @Test func malformedCountersThrow() async throws { try await IndexContract.malformedCountersThrow(backend.freshLocation(in: scratch)) }
    @Test func checkNamesBadRows() async throws { try await IndexContract.checkNamesBadRows(backend.freshLocation(in: scratch)) }
    @Test(.requiresShared("cityflow-nl/2022/test-tracks.json", "cityflow-nl/2022/test-queries.json"))
    func searchEqualsRanker() async throws { try await IndexContract.searchEqualsRanker(backend.freshLocation(in: scratch)) }
    @Test func filtersKeepMatchingTracks() async throws { try await IndexContract.filtersKeepMatchingTracks(backend.freshLocation(in: scratch)) }
    @Test func tiedFiltersAgreeWithMemory() async throws { try await IndexContract.tiedFiltersAgreeWithMemory(backend.freshLocation(in: scratch)) }
    @Test func refreshPicksUpChanges() async throws { try await IndexContract.refreshPicksUpChanges(backend.freshLocation(in: scratch)) }
    @Test func watchReloadsAfterWrites() async throws { try await IndexContract.watchReloadsAfterWrites(backend.freshLocation(in: scratch)) }
    @Test func concurrentWritersAgree() async throws {
        try await IndexContract.concurrentWritersAgree(backend.freshLocation(in: scratch), fresh: backend.freshLocation(in: scratch))
    }
    @Test func killedAddLeavesWholeTracks() async throws { try await IndexContract.killedAddLeavesWholeTracks(backend.freshLocation(in: scratch), scratch: scratch) }

    /// Opened read-only, a schema without the index's tables is refused with advice instead of being migrated.
    @Test func readingAnUnmigratedIndexIsRefused() async throws {
        let location = backend.freshLocation(in: scratch)
        await #expect {
            _ = try await IndexLocation.open(location, access: .read)
        } throws: { error in
            guard case .needsMigration? = error as? IndexError else { return false }
            return true
        }
        try await IndexLocation.open(location, access: .create).close()
        let reader = try await IndexLocation.open(location, access: .read)
        #expect(try await reader.check().isSound)
        try await reader.close()
    }
}
