import Foundation
import SightlineData
import SightlineRanking

/// A persistent store of tracks and their ranking features. SQLite (a file path) and
/// PostgreSQL (a postgres:// URL) implement it; one test suite runs against both.
///
/// Writes are incremental and idempotent: adding a track that is already stored replaces it
/// and keeps its place in gallery order. Each transaction holds whole cameras, so a crash or
/// kill leaves every track fully in or fully out, with camera features that match the stored
/// tracks.
public protocol VehicleIndex: Sendable {
    /// The path or URL (without password) the index was opened at.
    var location: String { get }
    /// Adds or replaces tracks and recomputes the features of every track of their cameras.
    func add(_ tracks: [Track], options: AddOptions) async throws -> AddReport
    /// Removes tracks by id and recomputes their cameras; returns how many were stored.
    func remove(_ ids: [String]) async throws -> Int
    func stats() async throws -> IndexStats
    /// Whether every track row has its feature row and camera counts match: a count, not a check of the pages.
    func integrity() async throws -> IntegrityReport
    /// Every check there is: SQLite's `integrity_check` over the pages (PostgreSQL: none, that is the
    /// server's `amcheck`), then every row decoded and the counts and versions compared.
    func check() async throws -> IndexCheck
    /// Bumped by every committed change; searchers reload when it moves.
    func generation() async throws -> Int64
    /// Every track's features, in gallery order. Throws `versionMismatch` for an index of another feature version.
    func snapshot() async throws -> FeatureSnapshot
    /// What explanations read, for the given ids (absent ids are left out).
    func details(of ids: [String]) async throws -> [String: TrackDetail]
    /// Only the pixels' colour, type and embedding of the given ids (ids without pixels are left
    /// out): what explanations read about neighbours, without decoding whole tracks.
    func appearance(of ids: [String]) async throws -> [String: TrackAppearance]
    func track(id: String) async throws -> Track?
    func framesRoot(of id: String) async throws -> String?
    /// Every stored track of a camera ("S01/c003"), in gallery order.
    func tracks(ofCamera camera: String) async throws -> [Track]
    /// Deletes every table of the index.
    func drop() async throws
    func close() async throws
}

/// Meta keys shared by the backends.
enum MetaKey {
    static let features = "features"
    static let appearanceModel = "appearance_model"
    static let generation = "generation"
    static let addCalls = "add_calls"
}

/// What a command does with the index it opens.
public enum IndexAccess: Sendable, Equatable {
    /// Only reads: opened read-only, never migrated or written, so a read-only file or folder (or
    /// a read-only database role) serves. An index that lacks migrations is refused.
    case read
    /// Reads and writes an existing index: a SQLite file's pages are checked first (a damaged file
    /// is refused), then missing migrations are applied.
    case write
    /// As `write`, creating a missing SQLite file.
    case create
}

/// Opens the index a `--db` value names: a postgres:// or postgresql:// URL selects PostgreSQL,
/// anything else is a SQLite file path, created when missing only with `.create` (so that a
/// mistyped path given to a reading command fails instead of serving an empty index).
public enum IndexLocation {
    public static func open(_ location: String, layout: FeatureLayout = .standard, access: IndexAccess) async throws -> any VehicleIndex {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return try await PostgresIndex(url: location, layout: layout, access: access)
        }
        guard !location.isEmpty else { throw IndexError.badLocation(location) }
        guard access == .create || FileManager.default.fileExists(atPath: location) else { throw IndexError.missing(location) }
        return try SQLiteIndex(path: location, layout: layout, access: access)
    }

    /// `ord` of the track at `position` of add call `stamp`: later calls sort after earlier ones.
    static func ord(stamp: Int64, position: Int) -> Int64 { stamp << 32 | Int64(position) }
}
