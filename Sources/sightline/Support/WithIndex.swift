import SightlineIndex
import SightlineRanking

/// Opens the index at `location` (a `--db` value), runs `body` on it and closes it on every path.
/// When `body` throws, that error is the one rethrown: a failure to close after it is dropped.
func withIndex<T>(_ location: String, layout: FeatureLayout = .standard, access: IndexAccess,
                  _ body: (any VehicleIndex) async throws -> T) async throws -> T {
    let index = try await IndexLocation.open(location, layout: layout, access: access)
    let result: T
    do {
        result = try await body(index)
    } catch {
        try? await index.close()
        throw error
    }
    try await index.close()
    return result
}
