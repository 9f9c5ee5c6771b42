import CSQLite

/// Statements name their values: parameters as `:column`, result columns by their name in the
/// SELECT list, so that adding or reordering a column cannot shift another one's value.
/// A name the statement does not have is a programming error (the SQL text is ours).
extension SQLiteStatement {
    /// The index of parameter `:name`.
    public func parameter(_ name: String) -> Int32 {
        let index = sqlite3_bind_parameter_index(handle, ":" + name)
        precondition(index > 0, "no parameter :\(name) in: \(sql)")
        return index
    }

    /// The index of result column `name` (SQLite names `o.stage` "stage"; use AS for others).
    public func column(_ name: String) -> Int32 {
        if columnIndexCache == nil {
            var names: [String: Int32] = [:]
            for i in 0..<columnCount where names[columnName(i)] == nil { names[columnName(i)] = i }
            columnIndexCache = names
        }
        guard let index = columnIndexCache?[name] else { preconditionFailure("no column \(name) in: \(sql)") }
        return index
    }

    public func bind<T: SQLiteBindable>(_ value: T, to name: String) throws {
        try value.bind(to: self, at: parameter(name))
    }

    public func bindNull(to name: String) throws { try bindNull(at: parameter(name)) }

    public func bind(blob bytes: UnsafeRawBufferPointer, to name: String) throws {
        try bind(blob: bytes, at: parameter(name))
    }

    /// Binds each (name, value) pair.
    public func bind(_ values: KeyValuePairs<String, SQLiteValue>) throws {
        for (name, value) in values { try bind(value, to: name) }
    }
}

/// A value a statement parameter can take.
public protocol SQLiteBindable {
    func bind(to statement: SQLiteStatement, at index: Int32) throws
}

extension Int: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension Int64: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension Double: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension Float: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension String: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension SQLiteValue: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws { try statement.bind(self, at: index) }
}

extension Optional: SQLiteBindable where Wrapped: SQLiteBindable {
    public func bind(to statement: SQLiteStatement, at index: Int32) throws {
        if let value = self { try value.bind(to: statement, at: index) } else { try statement.bindNull(at: index) }
    }
}

/// SQL text built from a column list, so the columns and their parameters cannot drift apart.
enum SQLText {
    /// `INSERT OR REPLACE INTO table (a, b) VALUES (:a, :b)`
    static func insert(_ verb: String = "INSERT OR REPLACE", into table: String, _ columns: [String]) -> String {
        "\(verb) INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { ":" + $0 }.joined(separator: ", ")))"
    }
}

/// Reads by column name, for rows read once per run or per query (hot loops resolve the
/// indices once with `column(_:)` and read by index).
extension SQLiteStatement {
    public func int(_ name: String) -> Int { int(column(name)) }
    public func int64(_ name: String) -> Int64 { int64(column(name)) }
    public func double(_ name: String) -> Double { double(column(name)) }
    public func string(_ name: String) -> String { string(column(name)) }
    public func optionalInt(_ name: String) -> Int? { optionalInt(column(name)) }
    public func optionalDouble(_ name: String) -> Double? { optionalDouble(column(name)) }
    public func optionalString(_ name: String) -> String? { optionalString(column(name)) }
}
