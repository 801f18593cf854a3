import Foundation

/// A value bound to a statement or read from a result row, in the types both databases share.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// What can be bound to a statement.
protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .real(self) } }
extension Data: SQLBindable { var sqlValue: SQLValue { .blob(self) } }
extension Optional: SQLBindable where Wrapped: SQLBindable { var sqlValue: SQLValue { self?.sqlValue ?? .null } }

/// One statement written once for every dialect: interpolated values become bound arguments,
/// and each dialect renders the placeholders its own way (`?` or `$1`).
struct IndexSQL: Sendable, ExpressibleByStringInterpolation {
    /// The text between placeholders: one more piece than `arguments`.
    private(set) var pieces: [String]
    private(set) var arguments: [SQLValue]

    init(stringLiteral value: String) {
        pieces = [value]
        arguments = []
    }

    init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
        arguments = stringInterpolation.arguments
    }

    /// The text with the `n`th placeholder (from 1) as `placeholder(n)` writes it.
    func rendered(placeholder: (Int) -> String) -> String {
        var out = pieces[0]
        for (i, piece) in pieces.dropFirst().enumerated() {
            out += placeholder(i + 1) + piece
        }
        return out
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [String] = [""]
        var arguments: [SQLValue] = []

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func appendLiteral(_ literal: String) { pieces[pieces.count - 1] += literal }

        /// A bound argument.
        mutating func appendInterpolation(_ value: some SQLBindable) {
            arguments.append(value.sqlValue)
            pieces.append("")
        }

        /// `(?, ?, ?)`: a list for `IN`; at least one value.
        mutating func appendInterpolation<C: Collection>(list values: C) where C.Element: SQLBindable {
            appendLiteral("(")
            for (i, value) in values.enumerated() {
                if i > 0 { appendLiteral(", ") }
                appendInterpolation(value)
            }
            appendLiteral(")")
        }

        /// SQL text as is: names of tables and columns, never values.
        mutating func appendInterpolation(raw text: String) { appendLiteral(text) }
    }
}

extension SQLValue: CustomStringConvertible {
    var description: String {
        switch self {
        case .null: "NULL"
        case let .integer(n): "integer \(n)"
        case let .real(x): "real \(x)"
        case let .text(text): "text '\(text.prefix(40))'"
        case let .blob(data): "\(data.count) bytes"
        }
    }
}
