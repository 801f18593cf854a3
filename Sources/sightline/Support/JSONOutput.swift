import Foundation

/// How `printJSON` lays a value out. A command's single document (describe-image, describe-track,
/// embed-text, index stats, search) is pretty-printed; each record of a stream (embed-image,
/// trajectories, parse, bench rows) is one compact object per line (JSON Lines).
enum JSONLayout {
    case document, record
}

/// Prints `value` to stdout as JSON with sorted keys, laid out as `layout` says.
func printJSON(_ value: some Encodable, as layout: JSONLayout = .document) throws {
    print(try jsonText(value, as: layout))
}

/// Prints `records` one compact object per line, all encoded before the first is printed, so that
/// an error leaves no partial output.
func printJSONLines<Record: Encodable>(_ records: [Record]) throws {
    let lines = try records.map { try jsonText($0, as: .record) }
    for line in lines { print(line) }
}

/// The one encoder configuration of the command-line tool's JSON output.
private func jsonText(_ value: some Encodable, as layout: JSONLayout) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = layout == .document ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
