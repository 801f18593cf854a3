import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Reads an input file whole. A path that is not a readable file (a folder, a symlink loop, a
/// missing or forbidden file) is refused with what it is, in the system's words.
public enum InputFile {
    public static func contents(_ path: String) throws(DataError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadable(file: path, reason: reason()) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .unreadable(file: path, reason: reason()) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw .unreadable(file: path, reason: "is a directory") }
        var bytes: [UInt8] = []
        if info.st_mode & S_IFMT == S_IFREG { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n == 0 { return bytes }
            if n < 0 {
                if errno == EINTR { continue }
                throw .unreadable(file: path, reason: reason())
            }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    /// `errno`'s message with a lower-case first letter, to follow "cannot read:".
    private static func reason() -> String {
        let text = AtomicFile.lastError()
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}
