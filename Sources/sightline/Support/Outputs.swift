import Foundation
import SightlineData

/// Checks every destination a command writes before it writes (or computes) anything, so that
/// one bad path leaves no other output behind: each file as `AtomicFile` would write it, each
/// folder as one that exists and is writable or can be created, and no two outputs the same.
enum Outputs {
    /// `files` and `folders` map each output's flag (for messages) to its value, nil for an option not given.
    static func check(files: KeyValuePairs<String, String?>, folders: KeyValuePairs<String, String?> = [:]) throws {
        var seen: [String: String] = [:]
        for (flag, path) in Array(files) + Array(folders) {
            guard let path else { continue }
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            if let other = seen[key] { throw DataError.unwritable(file: path, reason: "\(other) and \(flag) name the same file") }
            seen[key] = flag
        }
        for (flag, path) in files {
            guard let path else { continue }
            do {
                try AtomicFile.check(URL(fileURLWithPath: path))
            } catch {
                throw DataError.unwritable(file: path, reason: "\(flag): \(Self.reason(error))")
            }
        }
        for (flag, path) in folders {
            guard let path else { continue }
            try checkFolder(path, flag: flag)
        }
    }

    /// The nearest existing folder at or above `path` must be a folder sightline can write in.
    private static func checkFolder(_ path: String, flag: String) throws {
        var current = URL(fileURLWithPath: path).standardizedFileURL
        while true {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: current.path, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    throw DataError.unwritable(file: path, reason: "\(flag): \(current.path) is not a folder")
                }
                guard FileManager.default.isWritableFile(atPath: current.path) else {
                    throw DataError.unwritable(file: path, reason: "\(flag): cannot write in the folder \(current.path)")
                }
                return
            }
            let parent = current.deletingLastPathComponent()
            guard parent.path != current.path else { return }
            current = parent
        }
    }

    private static func reason(_ error: DataError) -> String {
        if case let .unwritable(_, reason) = error { return reason }
        return error.description
    }
}
