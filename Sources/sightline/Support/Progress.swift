import Foundation

/// A progress line on stderr every two seconds and at the end: `label: unit done/total [####....]
/// rate unit/s, m:ss left`, the rate counted over this run's part (`done` may start past 0 on a resumed run).
struct ProgressReport {
    let label: String
    let unit: String
    let total: Int
    private let first: Int
    private let start = Date()
    private var last = Date()

    init(label: String, unit: String, total: Int, done: Int = 0) {
        self.label = label
        self.unit = unit
        self.total = total
        first = done
    }

    /// Prints the line when two seconds passed since the last one, or at the end.
    mutating func update(done: Int) {
        let now = Date()
        guard now.timeIntervalSince(last) >= 2 || done >= total else { return }
        last = now
        let rate = Double(done - first) / max(now.timeIntervalSince(start), 1e-9)
        let left = rate > 0 ? Double(total - done) / rate : 0
        printError("\(label): \(unit) \(done)/\(total) [\(Self.bar(done: done, total: total))] "
                   + String(format: "%.1f %@s/s, %@ left", rate, unit, Self.clock(left)))
    }

    /// `#` for the share done, `.` for the rest.
    static func bar(done: Int, total: Int, width: Int = 24) -> String {
        let filled = min(width, max(0, width * done / max(total, 1)))
        return String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    }

    /// Seconds as m:ss.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.isFinite ? max(0, seconds.rounded()) : 0)
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
