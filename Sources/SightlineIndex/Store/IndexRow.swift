import Foundation

/// One result row: the column names and values the database returned.
struct IndexRow: Sendable {
    let columns: [String]
    let values: [SQLValue]

    func value(_ column: String) -> SQLValue? { columns.firstIndex(of: column).map { values[$0] } }

    /// The row read as a record of `table` whose key is in `keyColumn`, so that errors name both.
    func record(in table: String, key keyColumn: String) -> StoredRecord {
        let key: String = switch value(keyColumn) {
        case let .text(text)?: text
        case let .integer(n)?: String(n)
        default: "?"
        }
        return StoredRecord(table: table, key: key, row: self)
    }
}

/// Typed reads of one stored record. A value that is missing or of another type throws
/// `IndexError.malformed` naming the table, key and column, instead of trapping.
struct StoredRecord: Sendable {
    let table: String
    let key: String
    let row: IndexRow

    func text(_ column: String) throws(IndexError) -> String {
        guard let text = try optionalText(column) else { throw malformed(column, "is NULL") }
        return text
    }

    func optionalText(_ column: String) throws(IndexError) -> String? {
        switch try value(column) {
        case .null: nil
        case let .text(text): text
        case let other: throw malformed(column, "holds \(other), not text")
        }
    }

    func integer(_ column: String) throws(IndexError) -> Int64 {
        switch try value(column) {
        case let .integer(n): n
        case let other: throw malformed(column, "holds \(other), not an integer")
        }
    }

    /// An integer stored as text, as the `meta` table stores its counters.
    func integerText(_ column: String) throws(IndexError) -> Int64 {
        let text = try text(column)
        guard let n = Int64(text) else { throw malformed(column, "holds '\(text)', not an integer") }
        return n
    }

    func optionalReal(_ column: String) throws(IndexError) -> Double? {
        switch try value(column) {
        case .null: nil
        case let .real(x): x
        case let .integer(n): Double(n)
        case let other: throw malformed(column, "holds \(other), not a number")
        }
    }

    func real(_ column: String) throws(IndexError) -> Double {
        guard let x = try optionalReal(column) else { throw malformed(column, "is NULL") }
        return x
    }

    func blob(_ column: String) throws(IndexError) -> Data {
        switch try value(column) {
        case let .blob(data): data
        case let other: throw malformed(column, "holds \(other), not bytes")
        }
    }

    private func value(_ column: String) throws(IndexError) -> SQLValue {
        guard let value = row.value(column) else { throw malformed(column, "is not in the result") }
        return value
    }

    private func malformed(_ column: String, _ detail: String) -> IndexError {
        .malformed(table: table, key: key, column: column, detail: detail)
    }
}
