import Foundation

/// Exact and lenient (label or its alternative) hits of a predicted label.
struct Tally {
    var scored = 0, exact = 0, lenient = 0

    mutating func add<K: Equatable>(predicted: K?, truth: K, alternative: K?) {
        scored += 1
        if predicted == truth { exact += 1 }
        if predicted == truth || (predicted != nil && predicted == alternative) { lenient += 1 }
    }

    func summary(_ name: String) -> String {
        let n = Double(max(scored, 1))
        return String(format: "%@: %d crops, exact %d (%.1f%%), label or alternative %d (%.1f%%)",
                      name, scored, exact, 100 * Double(exact) / n, lenient, 100 * Double(lenient) / n)
    }
}
