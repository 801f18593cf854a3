import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads an input file whole. A path that is not a readable file (a folder, a symlink loop, a
/// missing or forbidden file) is refused with what it is, in the system's words, and so is one
/// longer than `limit` bytes, so an endless stream such as `/dev/zero` ends in an error.
public enum InputFile {
    /// The largest input read by default: far above any track, query or weights file.
    public static let defaultLimit = 512 << 20

    public static func contents(_ path: String, limit: Int = defaultLimit) throws(DataError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(file: path, reason: reason()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(file: path, reason: reason()) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .unreadable(file: path, reason: "is a directory") }
        let tooLong = DataError.unreadable(file: path, reason: "longer than \(limit >> 20) MiB")
        var bytes: [UInt8] = []
        if info.st_mode & S_IFMT == S_IFREG {
            guard info.st_size <= limit else { throw tooLong }
            bytes.reserveCapacity(Int(info.st_size))
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return bytes }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: reason())
            }
            guard bytes.count + n <= limit else { throw tooLong }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    /// `errno`'s message with a lower-case first letter, to follow "cannot read:".
    private static func reason() -> String {
        let text = AtomicFile.lastError()
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
