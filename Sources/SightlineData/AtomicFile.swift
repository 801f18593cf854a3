import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that readers see either nothing or the whole content: the bytes go to
/// a temporary file in the destination's folder, which is then renamed over the destination.
///
/// A symlink is followed and its target replaced; an existing file keeps its mode (and, where
/// allowed, its owner); a file without any write permission bit is refused. Character devices,
/// FIFOs and the standard streams (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`) are written
/// straight through, never replaced. Folders, sockets and block devices are refused.
public enum AtomicFile {
    /// Writes `data` to `url` as described above; every failure names the file and the reason.
    public static func write(_ data: Data, to url: URL) throws(DataError) {
        let path = url.path
        switch try destination(of: path) {
        case let .stream(fd):
            fflush(nil)
            try writeAll(data, to: fd, file: path)
        case let .new(target):
            try replace(target, with: data, file: path, keeping: nil)
        case let .replace(target, existing):
            try replace(target, with: data, file: path, keeping: existing)
        case let .device(target):
            let fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw .unwritable(file: path, reason: lastError()) }
            defer { close(fd) }
            try writeAll(data, to: fd, file: path)
        }
    }

    /// Fails as `write(_:to:)` would, without writing anything: the destination is of a kind
    /// `write` accepts, and the folder it goes in (or the device) is writable. Commands with
    /// several outputs check them all before writing the first.
    public static func check(_ url: URL) throws(DataError) {
        let path = url.path
        switch try destination(of: path) {
        case .stream:
            return
        case let .new(target), let .replace(target, _):
            let folder = URL(fileURLWithPath: target).deletingLastPathComponent().path
            var st = stat()
            guard stat(folder, &st) == 0 else {
                throw .unwritable(file: path, reason: errno == ENOENT ? "no folder \(folder)" : "folder \(folder): \(lastError())")
            }
            guard st.st_mode & Kind.mask == Kind.folder else { throw .unwritable(file: path, reason: "\(folder) is not a folder") }
            guard access(folder, W_OK | X_OK) == 0 else { throw .unwritable(file: path, reason: "folder \(folder): \(lastError())") }
        case let .device(target):
            guard access(target, W_OK) == 0 else { throw .unwritable(file: path, reason: lastError()) }
        }
    }

    /// How `write` treats a path.
    enum Destination {
        /// A standard stream, written through its descriptor.
        case stream(Int32)
        /// A file to create at the path symlinks resolve to.
        case new(String)
        /// A regular file to replace, keeping its mode and owner.
        case replace(String, stat)
        /// A character device or FIFO, written straight through.
        case device(String)
    }

    static func destination(of path: String) throws(DataError) -> Destination {
        if let fd = standardStream(path) { return .stream(fd) }
        let target = try resolvedTarget(of: path)
        var st = stat()
        guard stat(target, &st) == 0 else {
            guard errno == ENOENT else { throw .unwritable(file: path, reason: lastError()) }
            return .new(target)
        }
        switch st.st_mode & Kind.mask {
        case Kind.regular:
            guard st.st_mode & 0o222 != 0 else {
                throw .unwritable(file: path, reason: "the file is read-only (mode \(String(st.st_mode & 0o7777, radix: 8))); make it writable or choose another path")
            }
            return .replace(target, st)
        case Kind.characterDevice, Kind.fifo:
            return .device(target)
        case Kind.folder:
            throw .unwritable(file: path, reason: "is a folder")
        default:
            throw .unwritable(file: path, reason: "is neither a regular file, a character device nor a FIFO")
        }
    }

    enum Kind {
        static let mask: mode_t = 0o170000, regular: mode_t = 0o100000, folder: mode_t = 0o040000, symlink: mode_t = 0o120000
        static let characterDevice: mode_t = 0o020000, fifo: mode_t = 0o010000
    }

    /// The descriptor a standard-stream path names, which must be written rather than replaced.
    static func standardStream(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout": return STDOUT_FILENO
        case "/dev/stderr": return STDERR_FILENO
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
                if let fd = Int32(path.dropFirst(prefix.count)) { return fd }
            }
            return nil
        }
    }

    /// The path a chain of symlinks ends at (which may not exist yet).
    static func resolvedTarget(of path: String) throws(DataError) -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & Kind.mask == Kind.symlink else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw .unwritable(file: path, reason: "cannot read the symlink \(current): \(lastError())") }
            let destination = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/")
                ? destination
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(destination).path
        }
        throw .unwritable(file: path, reason: "too many levels of symlinks")
    }

    /// Writes a temporary file beside `target` and renames it over `target`, with `existing`'s mode and owner.
    static func replace(_ target: String, with data: Data, file: String, keeping existing: stat?) throws(DataError) {
        let folder = URL(fileURLWithPath: target).deletingLastPathComponent()
        let name = URL(fileURLWithPath: target).lastPathComponent
        var temp = ""
        var fd: Int32 = -1
        for attempt in 0..<16 where fd < 0 {
            temp = folder.appendingPathComponent(".\(name).\(getpid()).\(attempt).\(UInt32.random(in: 0...UInt32.max)).tmp").path
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd < 0 && errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .unwritable(file: file, reason: "cannot create a temporary file in \(folder.path): \(lastError())") }
        do throws(DataError) {
            if let existing {
                _ = fchown(fd, existing.st_uid, existing.st_gid)
                guard fchmod(fd, existing.st_mode & 0o7777) == 0 else { throw .unwritable(file: file, reason: lastError()) }
            }
            try writeAll(data, to: fd, file: file)
            guard close(fd) == 0 else {
                fd = -1
                throw .unwritable(file: file, reason: lastError())
            }
            fd = -1
            guard rename(temp, target) == 0 else { throw .unwritable(file: file, reason: lastError()) }
        } catch {
            if fd >= 0 { close(fd) }
            unlink(temp)
            throw error
        }
    }

    static func writeAll(_ data: Data, to fd: Int32, file: String) throws(DataError) {
        let failure: String? = data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> String? in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress.map { $0 + done }, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    return lastError()
                }
                done += n
            }
            return nil
        }
        if let failure { throw .unwritable(file: file, reason: failure) }
    }

    static func lastError() -> String { String(cString: strerror(errno)) }
}
