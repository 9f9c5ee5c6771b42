/// JSON arrays of integers ("[3, 10, 17]"): the text form of stage FLOPs and selected cells,
/// readable in the sqlite3 shell and usable with SQLite's json_each. Hand-written because
/// 50,000 selections per run would make a general JSON coder the slowest part of a batch.
enum JSONIntegers {
    static func encode<S: Sequence>(_ values: S) -> String where S.Element: BinaryInteger {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(128)
        var digits = [UInt8](repeating: 0, count: 20)
        for v in values {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            var magnitude = Int64(v).magnitude
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            var n = 0
            repeat {
                digits[n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            while n > 0 {
                n -= 1
                bytes.append(digits[n])
            }
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Nil unless the text is a JSON array of integers (whitespace allowed).
    static func decode(_ text: String) -> [Int64]? {
        let u = Array(text.utf8)
        var i = 0
        func skipSpace() { while i < u.count, [32, 9, 10, 13].contains(u[i]) { i += 1 } }
        skipSpace()
        guard i < u.count, u[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        skipSpace()
        var values: [Int64] = []
        if i < u.count, u[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                let negative = i < u.count && u[i] == UInt8(ascii: "-")
                if negative { i += 1 }
                var value: Int64 = 0
                let start = i
                while i < u.count, u[i] >= 48, u[i] <= 57 {
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(u[i] - 48))
                    if o1 || o2 { return nil }
                    value = a
                    i += 1
                }
                guard i > start else { return nil }
                values.append(negative ? -value : value)
                skipSpace()
                guard i < u.count else { return nil }
                if u[i] == UInt8(ascii: "]") { i += 1; break }
                guard u[i] == UInt8(ascii: ",") else { return nil }
                i += 1
                skipSpace()
            }
        }
        skipSpace()
        return i == u.count ? values : nil
    }
}
