import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed point for the kill-during-add test (`killedAddLeavesWholeTracks` in SightlineIndexTests),
/// and for nothing else; internal, not part of the index API.
///
/// With `SIGHTLINE_TEST_PAUSE_BEFORE_SECOND_COMMIT=<marker file>` in the environment, `add` commits
/// its first batch, writes its second inside the open transaction, then creates the marker file and
/// stops its own process with SIGSTOP. The test waits for the marker and sends SIGKILL, so the
/// process dies exactly there (one batch committed, one written but not committed) instead of
/// wherever a kill racing the writer happens to land.
enum TestPause {
    static let variable = "SIGHTLINE_TEST_PAUSE_BEFORE_SECOND_COMMIT"

    /// Creates the marker and stops the process when the variable is set; returns at once otherwise.
    static func beforeSecondCommit() {
        guard let marker = ProcessInfo.processInfo.environment[variable], !marker.isEmpty else { return }
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        raise(SIGSTOP)
    }
}
