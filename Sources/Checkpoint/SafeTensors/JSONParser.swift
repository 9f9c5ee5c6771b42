import Common

struct JSONSyntaxError: Error {
    /// Offset in the parsed bytes.
    let offset: Int
    let message: String
}

/// A small strict JSON parser for safetensors headers, producing Common's `JSONValue`. Written
/// here rather than using Foundation because the header needs three things JSONSerialization
/// does not give: key order, duplicate-key detection, and the byte offset of each syntax error
/// (and integers kept exact: data offsets are byte positions).
struct JSONParser {
    private let bytes: UnsafeRawBufferPointer
    private var pos = 0
    private let maxDepth = 64

    /// Parses exactly one value; only whitespace may follow it.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> JSONValue {
        try parseRecordingOffsets(bytes).value
    }

    /// Also returns, when the value is an object, the offset of each of its members' values
    /// (so that errors about a safetensors entry can point at that entry).
    static func parseRecordingOffsets(_ bytes: UnsafeRawBufferPointer) throws -> (value: JSONValue, memberOffsets: [Int]) {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        if parser.pos != bytes.count {
            throw JSONSyntaxError(offset: parser.pos, message: "unexpected \(parser.describeCurrent()) after the JSON value")
        }
        return (value, parser.memberOffsets)
    }

    /// Value offsets of the outermost object's members, in order.
    private var memberOffsets: [Int] = []

    private init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private func describeCurrent() -> String {
        guard pos < bytes.count else { return "end of header" }
        let b = bytes[pos]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws {
        guard pos < bytes.count, bytes[pos] == byte else {
            throw JSONSyntaxError(offset: pos, message: "expected \(what), found \(describeCurrent())")
        }
        pos += 1
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        guard depth < maxDepth else {
            throw JSONSyntaxError(offset: pos, message: "JSON nested deeper than \(maxDepth) levels")
        }
        guard pos < bytes.count else {
            throw JSONSyntaxError(offset: pos, message: "expected a value, found end of header")
        }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default:
            throw JSONSyntaxError(offset: pos, message: "expected a value, found \(describeCurrent())")
        }
    }

    private mutating func parseLiteral(_ word: String) throws {
        let start = pos
        for b in word.utf8 {
            guard pos < bytes.count, bytes[pos] == b else {
                throw JSONSyntaxError(offset: start, message: "invalid literal (expected '\(word)')")
            }
            pos += 1
        }
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        pos += 1
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(members) }
        while true {
            skipWhitespace()
            let keyStart = pos
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                throw JSONSyntaxError(offset: pos, message: "expected a quoted key, found \(describeCurrent())")
            }
            let key = try parseString()
            guard seen.insert(key).inserted else {
                throw JSONSyntaxError(offset: keyStart, message: "duplicate key \"\(key)\"")
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after a key")
            skipWhitespace()
            if depth == 0 { memberOffsets.append(pos) }
            members.append((key: key, value: try parseValue(depth: depth + 1)))
            skipWhitespace()
            guard pos < bytes.count else {
                throw JSONSyntaxError(offset: pos, message: "unterminated object (expected ',' or '}', found end of header)")
            }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return .object(members)
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
        while true {
            skipWhitespace()
            items.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard pos < bytes.count else {
                throw JSONSyntaxError(offset: pos, message: "unterminated array (expected ',' or ']', found end of header)")
            }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return .array(items)
        }
    }

    private mutating func parseString() throws -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                throw JSONSyntaxError(offset: start, message: "unterminated string")
            }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; break }
            if b < 0x20 {
                throw JSONSyntaxError(offset: pos, message: "control character 0x\(String(b, radix: 16)) inside a string")
            }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else {
                throw JSONSyntaxError(offset: pos, message: "unterminated escape sequence")
            }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw JSONSyntaxError(offset: pos, message: "unpaired surrogate in \\u escape")
                    }
                    pos += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else {
                        throw JSONSyntaxError(offset: pos - 6, message: "invalid low surrogate in \\u escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw JSONSyntaxError(offset: pos - 6, message: "unpaired surrogate in \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else {
                    throw JSONSyntaxError(offset: pos - 6, message: "invalid \\u escape")
                }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw JSONSyntaxError(offset: pos - 2, message: "invalid escape sequence")
            }
        }
        // Invalid UTF-8 decodes with replacement characters, so it does not round-trip.
        let s = String(decoding: out, as: UTF8.self)
        guard s.utf8.elementsEqual(out) else {
            throw JSONSyntaxError(offset: start, message: "string is not valid UTF-8")
        }
        return s
    }

    private mutating func parseHex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else {
                throw JSONSyntaxError(offset: pos, message: "truncated \\u escape")
            }
            let b = bytes[pos]
            let digit: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw JSONSyntaxError(offset: pos, message: "invalid hex digit in \\u escape")
            }
            v = v << 4 | digit
            pos += 1
        }
        return v
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = pos
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        func digits() -> Int {
            let s = pos
            while pos < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[pos]) { pos += 1 }
            return pos - s
        }
        let intStart = pos
        let intDigits = digits()
        guard intDigits > 0 else { throw JSONSyntaxError(offset: start, message: "invalid number") }
        if intDigits > 1 && bytes[intStart] == UInt8(ascii: "0") {
            throw JSONSyntaxError(offset: start, message: "number with a leading zero")
        }
        var isInteger = true
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            isInteger = false
            guard digits() > 0 else { throw JSONSyntaxError(offset: start, message: "invalid number (no digits after '.')") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            isInteger = false
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits() > 0 else { throw JSONSyntaxError(offset: start, message: "invalid number (no exponent digits)") }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let v = Int(text) { return .int(v) }
        guard let d = Double(text) else { throw JSONSyntaxError(offset: start, message: "invalid number") }
        return .double(d)
    }
}

