/// Keeps freed buffers of up to 64 MB in the process's heap instead of handing them back to the kernel.
///
/// A training step allocates and frees the same few-megabyte activation and gradient buffers every
/// step; by default glibc maps each one afresh and unmaps it on free, so every step faults the pages in
/// and the kernel zeroes them, about a quarter of a step's time. Retaining them is what PyTorch's caching
/// allocator does. Process-wide and idempotent; memory use stays bounded by the largest step.
public enum HeapRetention {
    /// Turns retention on (`ContrastiveTrainer` does so); returns whether glibc accepted the settings.
    @discardableResult
    public static func enable() -> Bool { enabled }

    private static let enabled: Bool = {
        mallocOption(trimThreshold, 256 << 20) == 1 && mallocOption(mmapThreshold, 64 << 20) == 1
    }()

    /// glibc's M_TRIM_THRESHOLD and M_MMAP_THRESHOLD (malloc.h, which the Glibc module does not export).
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3
}

@_silgen_name("mallopt")
private func mallocOption(_ parameter: Int32, _ value: Int32) -> Int32
