import Foundation

/// Exact and lenient (label or its alternative) hits of a predicted label, and the confusion
/// matrix of labels against predictions.
struct Tally {
    var scored = 0, exact = 0, lenient = 0
    private var counts: [String: [String: Int]] = [:]

    mutating func add<K: RawRepresentable & Equatable>(predicted: K?, truth: K, alternative: K?) where K.RawValue == String {
        scored += 1
        if predicted == truth { exact += 1 }
        if predicted == truth || (predicted != nil && predicted == alternative) { lenient += 1 }
        counts[truth.rawValue, default: [:]][predicted?.rawValue ?? "-", default: 0] += 1
    }

    func summary(_ name: String) -> String {
        let n = Double(max(scored, 1))
        return String(format: "%@: %d crops, exact %d (%.1f%%), label or alternative %d (%.1f%%)",
                      name, scored, exact, 100 * Double(exact) / n, lenient, 100 * Double(lenient) / n)
    }

    /// Rows are labels, columns predictions; only names that occur are shown.
    func confusion(_ name: String) -> String {
        let rows = counts.keys.sorted()
        let columns = Set(counts.values.flatMap(\.keys)).union(rows).sorted()
        let width = max(6, (columns + rows).map(\.count).max() ?? 0) + 1
        func cell(_ s: String) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        var lines = ["\(name) confusion (rows: label, columns: predicted)", cell("") + columns.map(cell).joined()]
        for r in rows {
            lines.append(cell(r) + columns.map { c in cell(counts[r]?[c].map(String.init) ?? ".") }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
