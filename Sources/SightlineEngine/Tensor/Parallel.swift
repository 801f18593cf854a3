import Foundation
import Dispatch

/// How many cores the engine may use.
///
/// Work is split either across the batch (each worker runs whole samples with
/// single-threaded BLAS) or, for a single sample, inside BLAS and the engine's own loops.
public struct ThreadConfig: Sendable, Equatable {
    /// Worker count, at least 1.
    public var threads: Int

    /// Uses `threads` workers; defaults to the number of active cores.
    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? ProcessInfoCores.active)
    }
}

enum ProcessInfoCores {
    static var active: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

enum Parallel {
    /// Runs `body(chunkStart, chunkEnd)` over `0..<count` split into at most `threads` contiguous chunks.
    static func chunks(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int, Int) -> Void) {
        let workers = min(max(1, threads), count)
        if workers <= 1 {
            if count > 0 { body(0, count) }
            return
        }
        let slice: @Sendable (Int) -> Void = { w in
            let start = count * w / workers
            let end = count * (w + 1) / workers
            if start < end { body(start, end) }
        }
        if !WorkerPool.shared.run(workers, slice) {
            DispatchQueue.concurrentPerform(iterations: workers, execute: slice)
        }
    }
}
