/// The Hungarian algorithm (Kuhn-Munkres with potentials, in the O(n^3) form of Jonker and
/// Volgenant's shortest augmenting paths): the assignment of rows to columns of a cost matrix
/// whose total cost is least.
///
/// ByteTrack solves its association with `lap.lapjv(cost, extend_cost=True, cost_limit=gate)`;
/// `assign(_:gate:)` is the same problem: a pair may be matched only below the gate, and leaving
/// a row or a column unmatched costs half the gate, so a match is made only where it lowers the total.
public enum Hungarian {
    /// An optimal assignment: matched (row, column) pairs in row order, and what stayed unmatched.
    public struct Assignment: Sendable, Hashable {
        public var matches: [Pair]
        public var unmatchedRows: [Int]
        public var unmatchedColumns: [Int]
    }

    /// A rows x columns matrix of finite costs, row-major; either count may be zero.
    public struct CostMatrix: Sendable, Hashable {
        public let rows: Int
        public let columns: Int
        public private(set) var values: [Double]

        /// The matrix whose entry (row, column) is `entry(row, column)`.
        public init(rows: Int, columns: Int, _ entry: (Int, Int) -> Double) {
            self.rows = rows
            self.columns = columns
            values = (0..<(rows * columns)).map { entry($0 / columns, $0 % columns) }
        }

        /// The matrix of `rows`, all of `columns` entries (the count `rows` cannot tell when empty).
        public init(_ rows: [[Double]], columns: Int) {
            precondition(rows.allSatisfy { $0.count == columns }, "every row needs \(columns) entries")
            self.init(rows: rows.count, columns: columns) { rows[$0][$1] }
        }

        public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }
    }

    /// One matched row and column.
    public struct Pair: Sendable, Hashable {
        public var row: Int
        public var column: Int

        public init(row: Int, column: Int) {
            self.row = row
            self.column = column
        }
    }

    /// The least-cost assignment of the rows of `cost` to its columns; with a `gate`, pairs whose cost is not below it are never matched, and a row or a column
    /// is left unmatched where every match for it would raise the total. Without one, every row
    /// is matched when there are at least as many columns, every column otherwise.
    public static func assign(_ cost: CostMatrix, gate: Double? = nil) -> Assignment {
        let rows = cost.rows, columns = cost.columns
        guard rows > 0, columns > 0 else {
            return Assignment(matches: [], unmatchedRows: Array(0..<rows), unmatchedColumns: Array(0..<columns))
        }
        let rowToColumn: [Int]
        if let gate {
            // The (rows + columns) square of lapjv's extend_cost: real pairs top left, each row's and
            // each column's "unmatched" at gate / 2, and dummy-to-dummy at zero.
            let n = rows + columns
            let forbidden = forbiddenCost(cost, gate: gate)
            var square = [Double](repeating: 0, count: n * n)
            for i in 0..<n {
                for j in 0..<n {
                    square[i * n + j] = switch (i < rows, j < columns) {
                    case (true, true): cost[i, j] < gate ? cost[i, j] : forbidden
                    case (true, false), (false, true): gate / 2
                    case (false, false): 0
                    }
                }
            }
            rowToColumn = Array(solveSquare(square, n: n).prefix(rows)).enumerated().map { i, j in
                j < columns && cost[i, j] < gate ? j : -1
            }
        } else {
            let n = max(rows, columns)
            var square = [Double](repeating: 0, count: n * n)
            for i in 0..<rows { for j in 0..<columns { square[i * n + j] = cost[i, j] } }
            rowToColumn = Array(solveSquare(square, n: n).prefix(rows)).map { $0 < columns ? $0 : -1 }
        }
        var matches: [Pair] = [], unmatchedRows: [Int] = [], used = Set<Int>()
        for (i, j) in rowToColumn.enumerated() {
            if j >= 0 {
                matches.append(Pair(row: i, column: j))
                used.insert(j)
            } else {
                unmatchedRows.append(i)
            }
        }
        return Assignment(matches: matches, unmatchedRows: unmatchedRows, unmatchedColumns: (0..<columns).filter { !used.contains($0) })
    }

    /// A finite cost no optimal assignment takes: more than every allowed pair, and every row and
    /// column left unmatched, could cost together.
    static func forbiddenCost(_ cost: CostMatrix, gate: Double) -> Double {
        let allowed = cost.values.filter { $0 < gate }.map(abs).reduce(0, +)
        return 1 + allowed + Double(cost.rows + cost.columns) * abs(gate)
    }

    /// For each row of the n x n row-major `cost`, the column it gets in a least-cost perfect matching.
    static func solveSquare(_ cost: [Double], n: Int) -> [Int] {
        // Potentials u (rows) and v (columns), 1-based with column 0 as the augmenting path's root.
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: n + 1)
        var owner = [Int](repeating: 0, count: n + 1), way = [Int](repeating: 0, count: n + 1)
        for row in 1...n {
            owner[0] = row
            var column0 = 0
            var minimum = [Double](repeating: .infinity, count: n + 1)
            var used = [Bool](repeating: false, count: n + 1)
            repeat {
                used[column0] = true
                let i0 = owner[column0]
                var delta = Double.infinity, column1 = 0
                for j in 1...n where !used[j] {
                    let reduced = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j]
                    if reduced < minimum[j] {
                        minimum[j] = reduced
                        way[j] = column0
                    }
                    if minimum[j] < delta {
                        delta = minimum[j]
                        column1 = j
                    }
                }
                for j in 0...n {
                    if used[j] {
                        u[owner[j]] += delta
                        v[j] -= delta
                    } else {
                        minimum[j] -= delta
                    }
                }
                column0 = column1
            } while owner[column0] != 0
            repeat {
                let column1 = way[column0]
                owner[column0] = owner[column1]
                column0 = column1
            } while column0 != 0
        }
        var rowToColumn = [Int](repeating: -1, count: n)
        for j in 1...n where owner[j] > 0 { rowToColumn[owner[j] - 1] = j - 1 }
        return rowToColumn
    }
}
