import ArgumentParser
import Foundation

/// The python of the venv that the environment variable `variable` names, for benchmarks that
/// measure a Python reference in the same run; checked (with the reference `script`) before
/// anything is measured. Nil when the variable is unset.
func referencePython(variable: String, script: String) throws -> String? {
    guard let venv = ProcessInfo.processInfo.environment[variable], !venv.isEmpty else { return nil }
    let python = (venv as NSString).appendingPathComponent("bin/python")
    guard FileManager.default.isExecutableFile(atPath: python) else {
        throw ValidationError("\(variable)=\(venv): \(python) is not an executable")
    }
    guard FileManager.default.fileExists(atPath: script) else {
        throw ValidationError("--script \(script): no such file (run from the repository root)")
    }
    return python
}

/// Runs the reference `script` with `arguments` under `python` and decodes its stdout, one JSON row per line.
func referenceRows<Row: Decodable>(python: String, script: String, arguments: [String]) throws -> [Row] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ValidationError("\(script) exited with status \(process.terminationStatus)")
    }
    return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
        try JSONDecoder().decode(Row.self, from: Data($0.utf8))
    }
}
