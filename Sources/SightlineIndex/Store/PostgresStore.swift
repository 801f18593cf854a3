import Algorithms
import Foundation
import PostgresNIO

/// A PostgreSQL database through a PostgresNIO client of up to 8 connections.
///
/// `postgres://user[:password]@host[:port]/database[?schema=name]`: with `schema`, the tables
/// live in that schema (created by migration when missing), so several indexes can share a database.
struct PostgresStore: IndexStore {
    let location: String
    /// The schema named by the URL, if any.
    let schema: String?
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger

    var backend: String { "postgresql" }
    var migrationsTable: String { PostgresMigrator.table }

    init(url: String) throws(IndexError) {
        guard let parts = URLComponents(string: url), let host = parts.host, !host.isEmpty else { throw IndexError.badLocation(url) }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        let user = parts.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        var config = PostgresClient.Configuration(host: host, port: parts.port ?? 5432, username: user, password: parts.password,
                                                  database: database.isEmpty ? nil : database, tls: .disable)
        let schema = parts.queryItems?.first { $0.name == "schema" }?.value
        if let schema {
            guard !schema.isEmpty, schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw IndexError.badLocation(url)
            }
            config.options.additionalStartupParameters = [("search_path", schema)]
        }
        config.options.maximumConnections = 8
        var redacted = parts
        redacted.password = nil
        location = redacted.string ?? url
        self.schema = schema
        var logger = Logger(label: "sightline.index.postgres")
        logger.logLevel = .critical
        self.logger = logger
        let client = PostgresClient(configuration: config)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Rethrows the body's own error rather than PostgresNIO's wrapper of it.
    func write<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { c in try await body(PostgresSession(connection: c, logger: logger)) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    func snapshot<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await client.withConnection { c in
            let session = PostgresSession(connection: c, logger: logger)
            try await session.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            do {
                let value = try await body(session)
                try await session.execute("COMMIT")
                return value
            } catch {
                _ = try? await session.execute("ROLLBACK")
                throw error
            }
        }
    }

    func read<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await client.withConnection { c in try await body(PostgresSession(connection: c, logger: logger)) }
    }

    /// None: page-level checks of PostgreSQL are the server's `amcheck` and `pg_amcheck`.
    func pageCheck() async throws -> (check: String, problems: [String])? { nil }

    func close() async throws {
        runner.cancel()
        await runner.value
    }
}

/// Statements on one leased connection.
struct PostgresSession: IndexSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Bound arguments a statement may carry.
    static let maximumArguments = 30_000

    var integerType: String { "BIGINT" }

    func execute(_ sql: IndexSQL) async throws {
        try await connection.query(Self.query(sql), logger: logger)
    }

    func rows(_ sql: IndexSQL) async throws -> [IndexRow] {
        var columns: [String]?
        var out: [IndexRow] = []
        for try await row in try await connection.query(Self.query(sql), logger: logger) {
            let names = columns ?? row.map(\.columnName)
            columns = names
            out.append(IndexRow(columns: names, values: try row.map(SQLValue.init)))
        }
        return out
    }

    func upsert(into table: String, key: String, columns: [String], values: [[SQLValue]]) async throws {
        let updates = columns.filter { $0 != key }.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        let perStatement = max(1, min(1000, Self.maximumArguments / max(1, columns.count)))
        for chunk in values.chunks(ofCount: perStatement) {
            var binds = PostgresBindings(capacity: chunk.count * columns.count)
            var tuples: [String] = []
            var bound = 0
            for row in chunk {
                tuples.append("(" + row.indices.map { "$\(bound + $0 + 1)" }.joined(separator: ", ") + ")")
                for value in row { value.bind(into: &binds) }
                bound += row.count
            }
            let sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(tuples.joined(separator: ", ")) "
                + "ON CONFLICT (\(key)) DO UPDATE SET \(updates)"
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    /// Advisory transaction locks on the names' hashes.
    func lock(_ names: Set<String>) async throws {
        guard !names.isEmpty else { return }
        var binds = PostgresBindings()
        binds.append(names.sorted())
        try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT pg_advisory_xact_lock(hashtext(k)) FROM (SELECT k FROM unnest($1::text[]) AS u(k) ORDER BY k) AS s
            """, binds: binds), logger: logger)
    }

    static func query(_ sql: IndexSQL) -> PostgresQuery {
        var binds = PostgresBindings(capacity: sql.arguments.count)
        for value in sql.arguments { value.bind(into: &binds) }
        return PostgresQuery(unsafeSQL: sql.rendered { "$\($0)" }, binds: binds)
    }
}

extension SQLValue {
    init(_ cell: PostgresCell) throws {
        guard let bytes = cell.bytes else {
            self = .null
            return
        }
        self = switch cell.dataType {
        case .int2, .int4, .int8: .integer(try cell.decode(Int64.self))
        case .bool: .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: .real(try cell.decode(Double.self))
        case .bytea: .blob(Data(bytes.readableBytesView))
        default: .text(try cell.decode(String.self))
        }
    }

    func bind(into binds: inout PostgresBindings) {
        switch self {
        case .null: binds.appendNull()
        case let .integer(n): binds.append(n)
        case let .real(x): binds.append(x)
        case let .text(text): binds.append(text)
        case let .blob(data): binds.append(ByteBuffer(bytes: data))
        }
    }
}
