import Foundation
import Synchronization

/// Persistent worker threads for the engine's many short parallel regions.
///
/// A forward pass has dozens of parallel regions of a few hundred microseconds each;
/// waking Dispatch workers for every region costs a large share of that. These workers
/// spin between regions (and between consecutive forward passes) and only then sleep.
/// One caller at a time owns the pool; a concurrent caller falls back to Dispatch.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool(workers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    let workers: Int
    private let generation = Atomic<Int>(0)
    private let pending = Atomic<Int>(0)
    private let busy = Mutex<Bool>(false)
    private let wake = NSCondition()
    private var participants = 0
    private var task: (@Sendable (Int) -> Void)?
    /// Idle polls before a worker sleeps (about 2 ms here): longer than the gaps between one
    /// sentence's regions and between sentences, since waking a sleeping worker costs ~20 µs.
    private static let spins = 1_000_000

    private init(workers: Int) {
        self.workers = workers
        for index in 0..<workers {
            let thread = Thread { [unowned self] in self.loop(index: index + 1) }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Runs `body(i)` for i in 0..<count, i = 0 on the calling thread; false when the pool is in use or too small.
    func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> Bool {
        guard count - 1 <= workers, busy.withLock({ owned in
            if owned { return false }
            owned = true
            return true
        }) else { return false }
        wake.lock()
        task = body
        participants = count
        pending.store(count - 1, ordering: .relaxed)
        generation.add(1, ordering: .releasing)
        wake.broadcast()
        wake.unlock()
        body(0)
        while pending.load(ordering: .acquiring) > 0 { sched_yield() }
        busy.withLock { $0 = false }
        return true
    }

    private func loop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins > Self.spins {
                    wake.lock()
                    while generation.load(ordering: .acquiring) == seen { wake.wait() }
                    wake.unlock()
                    break
                }
            }
            wake.lock()
            seen = generation.load(ordering: .acquiring)
            let work = index < participants ? task : nil
            wake.unlock()
            if let work {
                work(index)
                pending.subtract(1, ordering: .releasing)
            }
        }
    }
}
