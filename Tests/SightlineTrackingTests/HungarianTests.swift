import SightlineData
import Testing
@testable import SightlineTracking

struct HungarianTests {
    func pairs(_ a: Hungarian.Assignment) -> [[Int]] { a.matches.map { [$0.row, $0.column] } }

    func total(_ cost: [[Double]], _ a: Hungarian.Assignment) -> Double { a.matches.map { cost[$0.row][$0.column] }.reduce(0, +) }

    func assign(_ cost: [[Double]], gate: Double? = nil) -> Hungarian.Assignment {
        Hungarian.assign(Hungarian.CostMatrix(cost, columns: cost.first?.count ?? 0), gate: gate)
    }

    @Test func solvesASquareCaseThatGreedyGetsWrong() {
        // Greedy takes (0, 0) at 1 and is then forced into 100; the optimum is 2 + 3.
        let cost: [[Double]] = [[1, 2], [3, 100]]
        let a = assign(cost)
        #expect(pairs(a) == [[0, 1], [1, 0]])
        #expect(a.unmatchedRows.isEmpty && a.unmatchedColumns.isEmpty)
    }

    @Test func solvesTheClassicThreeByThree() {
        let cost: [[Double]] = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
        let a = assign(cost)
        #expect(total(cost, a) == 5)
        #expect(pairs(a) == [[0, 1], [1, 0], [2, 2]])
    }

    @Test func rectangularMatricesLeaveTheSurplusUnmatched() {
        let wide: [[Double]] = [[9, 1, 8], [1, 9, 7]]
        let a = assign(wide)
        #expect(pairs(a) == [[0, 1], [1, 0]])
        #expect(a.unmatchedColumns == [2])
        let tall: [[Double]] = [[9, 1], [1, 9], [0.5, 0.5]]
        let b = assign(tall)
        #expect(total(tall, b) == 1.5)
        #expect(b.matches.count == 2 && b.unmatchedRows.count == 1 && b.unmatchedColumns.isEmpty)
    }

    @Test func theGateForbidsCostlyPairsAndLeavesRowsAndColumnsUnmatched() {
        let cost: [[Double]] = [[0.1, 0.9], [0.95, 0.85]]
        let a = assign(cost, gate: 0.8)
        #expect(pairs(a) == [[0, 0]])
        #expect(a.unmatchedRows == [1] && a.unmatchedColumns == [1])
        let none = assign([[0.9, 0.9]], gate: 0.8)
        #expect(none.matches.isEmpty && none.unmatchedRows == [0] && none.unmatchedColumns == [0, 1])
    }

    @Test func underAGateOneGoodMatchCanBeatTwoFairOnes() {
        // Two matches at 0.7 each cost 1.4; one at 0.05 with a row and a column unmatched costs 0.05 + 0.8.
        let cost: [[Double]] = [[0.7, 0.05], [0.9, 0.7]]
        let a = assign(cost, gate: 0.8)
        #expect(pairs(a) == [[0, 1]])
        #expect(a.unmatchedRows == [1] && a.unmatchedColumns == [0])
    }

    @Test func emptyMatricesMatchNothingAndLeaveEveryRowAndColumnUnmatched() {
        #expect(assign([]).matches.isEmpty)
        let rowsOnly = assign([[], []], gate: 0.5)
        #expect(rowsOnly.matches.isEmpty && rowsOnly.unmatchedRows == [0, 1])
        let columnsOnly = Hungarian.assign(Hungarian.CostMatrix(rows: 0, columns: 3) { _, _ in 0 }, gate: 0.5)
        #expect(columnsOnly.matches.isEmpty && columnsOnly.unmatchedRows.isEmpty && columnsOnly.unmatchedColumns == [0, 1, 2])
    }

    @Test func agreesWithBruteForceOnRandomMatrices() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let rows = Int.random(in: 1...5, using: &rng), columns = Int.random(in: 1...5, using: &rng)
            let cost = (0..<rows).map { _ in (0..<columns).map { _ in Double.random(in: 0...1, using: &rng) } }
            let gate = Bool.random(using: &rng) ? 0.6 : nil
            let a = assign(cost, gate: gate)
            let value = total(cost, a) + Double(a.unmatchedRows.count + a.unmatchedColumns.count) * (gate ?? 0) / 2
            #expect(abs(value - bruteForce(cost, gate: gate)) < 1e-9)
            if let gate { #expect(a.matches.allSatisfy { cost[$0.row][$0.column] < gate }) } else { #expect(a.matches.count == min(rows, columns)) }
        }
    }

    /// The least total over every assignment (every partial one under a gate, each unmatched row and column at gate / 2).
    func bruteForce(_ cost: [[Double]], gate: Double?) -> Double {
        let columns = cost[0].count
        func best(_ row: Int, _ used: Set<Int>) -> Double {
            if row == cost.count { return Double(columns - used.count) * (gate ?? 0) / 2 }
            var result = Double.infinity
            if let gate { result = gate / 2 + best(row + 1, used) }
            else if cost.count - row > columns - used.count { result = best(row + 1, used) }
            for j in 0..<columns where !used.contains(j) && (gate.map { cost[row][j] < $0 } ?? true) {
                result = min(result, cost[row][j] + best(row + 1, used.union([j])))
            }
            return result
        }
        return best(0, [])
    }
}
