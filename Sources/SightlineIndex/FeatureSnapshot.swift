import Algorithms
import Foundation
import SightlineData
import SightlineLanguage

/// Every indexed track's feature vector in memory, one contiguous column per feature dimension
/// (dimension-major), in gallery order, with what the filters read. Scoring a query touches
/// only the columns its query vector does not zero: a typical query reads 5-8 of ~40 columns.
public struct FeatureSnapshot: Sendable {
    /// The index generation this snapshot was loaded at.
    public let generation: Int64
    public let count: Int
    public let dimensions: Int
    public let ids: [String]
    /// Index into `cameraKeys` per track.
    let cameras: [Int32]
    public let cameraKeys: [String]
    /// Index into `VehicleColor.allCases` / `BodyType.allCases` per track; `none` without pixels.
    let colours: [UInt8]
    let types: [UInt8]
    /// `storage[d * count + i]`: feature d of track i.
    let storage: [Double]
    static let none: UInt8 = 255

    /// Collects rows in gallery order.
    public struct Builder {
        let dimensions: Int
        var ids: [String] = []
        var cameras: [Int32] = []
        var cameraKeys: [String] = []
        var cameraIndex: [String: Int32] = [:]
        var colours: [UInt8] = []
        var types: [UInt8] = []
        var columns: [[Double]]
        static let colourCodes = Dictionary(uniqueKeysWithValues: VehicleColor.allCases.enumerated().map { ($1.rawValue, UInt8($0)) })
        static let typeCodes = Dictionary(uniqueKeysWithValues: BodyType.allCases.enumerated().map { ($1.rawValue, UInt8($0)) })

        public init(dimensions: Int, capacity: Int = 0) {
            self.dimensions = dimensions
            columns = Array(repeating: [], count: dimensions)
            for d in 0..<dimensions { columns[d].reserveCapacity(capacity) }
            ids.reserveCapacity(capacity)
        }

        mutating func append(id: String, camera: String, colour: String?, type: String?, vector: Data) throws(IndexError) {
            guard vector.count == dimensions * 8 else {
                throw .corrupt("\(id): feature vector of \(vector.count) bytes, expected \(dimensions * 8)")
            }
            ids.append(id)
            let c: Int32
            if let known = cameraIndex[camera] { c = known } else {
                c = Int32(cameraKeys.count)
                cameraIndex[camera] = c
                cameraKeys.append(camera)
            }
            cameras.append(c)
            colours.append(colour.flatMap { Self.colourCodes[$0] } ?? FeatureSnapshot.none)
            types.append(type.flatMap { Self.typeCodes[$0] } ?? FeatureSnapshot.none)
            vector.withUnsafeBytes { raw in
                for d in 0..<dimensions {
                    columns[d].append(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: d * 8, as: UInt64.self))))
                }
            }
        }

        func build(generation: Int64) -> FeatureSnapshot {
            FeatureSnapshot(generation: generation, count: ids.count, dimensions: dimensions, ids: ids, cameras: cameras,
                            cameraKeys: cameraKeys, colours: colours, types: types, storage: Array(columns.joined()))
        }
    }

    /// The feature vector of track `i`.
    public func vector(at i: Int) -> [Double] { (0..<dimensions).map { storage[$0 * count + i] } }

    /// What a query scores: for each active term in order, its weight and the (column, query
    /// value) pairs of its non-zero query dimensions.
    struct Plan: Sendable {
        struct Term: Sendable {
            var weight: Double
            var entries: [(column: Int, value: Double)]
        }
        var terms: [Term]
    }

    /// Which tracks a search keeps; nil keeps all.
    struct Filter: Sendable {
        var cameras: Set<Int32>?
        var colours: Set<UInt8>?
        var types: Set<UInt8>?

        var isEmpty: Bool { cameras == nil && colours == nil && types == nil }
    }

    /// Score of track `i`, summed exactly as `scores` does: per term, sum of value times feature in
    /// dimension order, then the weighted term scores in term order (so the per-term
    /// contributions of an explanation add up to the same total bit for bit).
    func termScores(at i: Int, plan: Plan) -> (total: Double, scores: [Double]) {
        var total = 0.0
        var scores: [Double] = []
        for term in plan.terms {
            var s = 0.0
            for e in term.entries { s += e.value * storage[e.column * count + i] }
            scores.append(s)
            total += term.weight * s
        }
        return (total, scores)
    }

    /// The best `k` tracks passing `filter`, best first; equal totals go to the earlier track.
    /// A `k` beyond the gallery keeps the whole gallery: nothing is sized by `k` itself.
    func top(_ k: Int, plan: Plan, filter: Filter, threads: Int) -> [(index: Int, total: Double)] {
        let k = min(k, count)
        guard k > 0 else { return [] }
        let workers = max(1, min(threads, count / 65_536 + 1))
        let parts = Array((0..<count).evenlyChunked(in: workers))
        let results = ConcurrentResults<[(index: Int, total: Double)]>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            results.set(w, parts[w].isEmpty ? [] : scan(parts[w], k: k, plan: plan, filter: filter))
        }
        var merged = results.values.flatMap { $0 }
        merged.sort { $0.total == $1.total ? $0.index < $1.index : $0.total > $1.total }
        return Array(merged.prefix(k))
    }

    private func keeps(_ i: Int, _ filter: Filter) -> Bool {
        if let c = filter.cameras, !c.contains(cameras[i]) { return false }
        if let c = filter.colours, !c.contains(colours[i]) { return false }
        if let t = filter.types, !t.contains(types[i]) { return false }
        return true
    }

    /// Scores rows `range` block by block and keeps the best `k` in a sorted buffer.
    private func scan(_ range: Range<Int>, k: Int, plan: Plan, filter: Filter) -> [(index: Int, total: Double)] {
        let block = 2048
        var total = [Double](repeating: 0, count: block)
        var term = [Double](repeating: 0, count: block)
        var best: [(index: Int, total: Double)] = []
        best.reserveCapacity(k + 1)
        var worst = -Double.infinity
        return storage.withUnsafeBufferPointer { features in
            scan(range, k: k, plan: plan, filter: filter, features: features.baseAddress!, block: block,
                 total: &total, term: &term, best: &best, worst: &worst)
        }
    }

    private func scan(_ range: Range<Int>, k: Int, plan: Plan, filter: Filter, features: UnsafePointer<Double>, block: Int,
                      total: inout [Double], term: inout [Double], best: inout [(index: Int, total: Double)],
                      worst: inout Double) -> [(index: Int, total: Double)] {
        var start = range.lowerBound
        while start < range.upperBound {
            let n = min(block, range.upperBound - start)
            total.withUnsafeMutableBufferPointer { acc in
                term.withUnsafeMutableBufferPointer { tmp in
                    for j in 0..<n { acc[j] = 0 }
                    for planTerm in plan.terms {
                        for j in 0..<n { tmp[j] = 0 }
                        for entry in planTerm.entries {
                            let column = features + entry.column * count + start
                            let q = entry.value
                            for j in 0..<n { tmp[j] += q * column[j] }
                        }
                        let w = planTerm.weight
                        for j in 0..<n { acc[j] += w * tmp[j] }
                    }
                }
            }
            for j in 0..<n where total[j] > worst || best.count < k {
                let i = start + j
                guard filter.isEmpty || keeps(i, filter) else { continue }
                let s = total[j]
                // Rows arrive in index order, so an equal total never displaces an earlier row.
                var at = best.count
                while at > 0 && best[at - 1].total < s { at -= 1 }
                if at < k {
                    best.insert((i, s), at: at)
                    if best.count > k { best.removeLast() }
                    if best.count == k { worst = best[k - 1].total }
                }
            }
            start += n
        }
        return best
    }
}
