import Foundation

/// Passes of `body` per second over at least `seconds`, after one warm-up pass.
func passesPerSecond(for seconds: Double, _ body: () -> Void) -> Double {
    body()
    let start = Date()
    var passes = 0
    repeat {
        body()
        passes += 1
    } while Date().timeIntervalSince(start) < seconds
    return Double(passes) / Date().timeIntervalSince(start)
}
