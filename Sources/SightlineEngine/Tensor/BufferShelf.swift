import Foundation

/// Buffers kept between forward passes, at most `limit` of them.
///
/// Allocating a pass's activations afresh for every call costs page faults, and glibc's adaptive mmap threshold
/// then serves the next ones from a heap that fragments: embedding 1,000 images in chunks peaked at 137 MB RSS
/// with fresh buffers per chunk.
final class BufferShelf<Item: AnyObject>: @unchecked Sendable {
    private var items: [Item] = []
    private let lock = NSLock()
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// A kept item for which `fits` holds, or a new one from `make`.
    func take(where fits: (Item) -> Bool, else make: () -> Item) -> Item {
        lock.lock()
        if let index = items.firstIndex(where: fits) {
            let item = items.remove(at: index)
            lock.unlock()
            return item
        }
        lock.unlock()
        return make()
    }

    /// Keeps `item` for a later `take`, unless `limit` items are kept already.
    func put(_ item: Item) {
        lock.lock()
        if items.count < limit { items.append(item) }
        lock.unlock()
    }
}

/// Cache-line aligned Float buffers of fixed sizes, freed together: the activations of a forward pass, which a
/// `BufferShelf` keeps for the next pass they are large enough for.
class AlignedBuffers {
    /// Floats in each buffer.
    let capacity: [Int]
    let buffers: [UnsafeMutablePointer<Float>]

    init(capacity: [Int]) {
        self.capacity = capacity
        buffers = capacity.map { count in
            UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
                .bindMemory(to: Float.self, capacity: max(count, 1))
        }
    }

    /// Whether each buffer holds at least the floats `needed` asks of it.
    func holds(_ needed: [Int]) -> Bool { zip(capacity, needed).allSatisfy { $0 >= $1 } }

    deinit {
        for buffer in buffers { buffer.deallocate() }
    }
}
