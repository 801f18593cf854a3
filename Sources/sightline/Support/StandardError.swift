import Foundation

/// Writes one line to stderr: progress, summaries and notices, so that stdout holds only a command's output.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
