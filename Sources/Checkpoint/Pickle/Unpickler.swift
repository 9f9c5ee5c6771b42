/// An error inside the pickle stream, before the unpickler adds the file and position.
struct PickleError: Error {
    let kind: WeightsError.Kind
    let message: String
    init(_ message: String, kind: WeightsError.Kind = .pickle) {
        self.kind = kind
        self.message = message
    }
}

/// A restricted unpickler for the streams `torch.save` writes (protocol 2, plus the opcodes
/// of protocols 3–5 and the simple ones of 0–1). It never imports or calls anything: GLOBAL
/// yields a name, REDUCE / NEWOBJ / BUILD go through `TorchGlobals`, which recognises the
/// few torch / collections / numpy callables needed for a state dict and turns every other
/// one into an opaque object. Opcode semantics follow CPython's Lib/pickle.py (`_Unpickler`)
/// and Lib/pickletools.py.
struct Unpickler {
    private let data: UnsafeRawBufferPointer
    private let path: String
    /// Name of the pickle inside the archive, and its absolute offset in the file.
    private let entryName: String
    private let entryOffset: Int
    private var pos = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(data: UnsafeRawBufferPointer, path: String, entryName: String, entryOffset: Int) {
        self.data = data
        self.path = path
        self.entryName = entryName
        self.entryOffset = entryOffset
    }

    mutating func load() throws -> PickleValue {
        while true {
            let opcodeOffset = pos
            guard pos < data.count else {
                throw failure("pickle stream ends without STOP", at: opcodeOffset)
            }
            let op = data[pos]
            pos += 1
            do {
                if let result = try step(op) { return result }
            } catch let e as PickleError {
                throw WeightsError(e.kind, path: path,
                                   "\(entryName): \(e.message) (opcode \(opcodeName(op)) at pickle offset \(opcodeOffset))",
                                   offset: entryOffset + opcodeOffset)
            }
        }
    }

    private func failure(_ message: String, at offset: Int) -> WeightsError {
        WeightsError(.pickle, path: path, "\(entryName): \(message) (at pickle offset \(offset))",
                     offset: entryOffset + offset)
    }

    // MARK: - Reading operands

    private mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, n <= data.count - pos else {
            throw PickleError("operand of \(n) bytes runs past the end of the pickle (\(data.count - pos) left)",
                              kind: .truncated)
        }
        defer { pos += n }
        return UnsafeRawBufferPointer(rebasing: data[pos..<(pos + n)])
    }

    private mutating func readUInt(_ n: Int) throws -> UInt64 {
        let b = try take(n)
        var v: UInt64 = 0
        for i in stride(from: n - 1, through: 0, by: -1) { v = v << 8 | UInt64(b[i]) }
        return v
    }

    private mutating func readLength(_ n: Int) throws -> Int {
        let v = try readUInt(n)
        guard v <= UInt64(data.count - pos) else {
            throw PickleError("length \(v) runs past the end of the pickle (\(data.count - pos) bytes left)",
                              kind: .truncated)
        }
        return Int(v)
    }

    /// A newline-terminated text operand (GLOBAL, INT, …).
    private mutating func readLine() throws -> String {
        guard let end = data[pos...].firstIndex(of: 0x0A) else {
            throw PickleError("text operand has no terminating newline", kind: .truncated)
        }
        defer { pos = end + 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: data[pos..<end]), as: UTF8.self)
    }

    /// Little-endian two's complement of arbitrary length (LONG1 / LONG4).
    private mutating func readLong(_ n: Int) throws -> PickleValue {
        let b = try take(n)
        if n == 0 { return .int(0) }
        let negative = b[n - 1] & 0x80 != 0
        if n > 8 {
            // Fits only if the extra high bytes are pure sign extension.
            let fill: UInt8 = negative ? 0xFF : 0x00
            guard b[8...].allSatisfy({ $0 == fill }), (b[7] & 0x80 != 0) == negative else {
                return .bigInt(byteCount: n)
            }
        }
        var v: UInt64 = negative ? UInt64.max : 0
        for i in stride(from: min(n, 8) - 1, through: 0, by: -1) { v = v << 8 | UInt64(b[i]) }
        return .int(Int(Int64(bitPattern: v)))
    }

    // MARK: - Stack

    private mutating func push(_ v: PickleValue) throws {
        try checkDepth(v)
        stack.append(v)
    }

    private func checkDepth(_ v: PickleValue) throws {
        guard v.nestingDepth <= PickleValue.maxNestingDepth else {
            throw PickleError("containers nested deeper than \(PickleValue.maxNestingDepth) levels")
        }
    }

    private mutating func pop() throws -> PickleValue {
        guard let v = stack.popLast(), stack.count >= (marks.last ?? 0) else {
            throw PickleError("stack underflow")
        }
        return v
    }

    private mutating func top() throws -> PickleValue {
        guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw PickleError("stack underflow") }
        return v
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast() else { throw PickleError("no MARK on the stack") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    private func memoGet(_ key: Int) throws -> PickleValue {
        guard let v = memo[key] else { throw PickleError("memo key \(key) was never stored") }
        return v
    }

    private static func string(_ v: PickleValue, _ what: String) throws -> String {
        guard case let .string(s) = v else { throw PickleError("\(what) is \(v.typeName), expected str") }
        return s
    }

    // MARK: - Opcodes

    /// Executes one opcode; returns the result at STOP.
    private mutating func step(_ op: UInt8) throws -> PickleValue? {
        switch op {
        case 0x80: // PROTO
            let version = try readUInt(1)
            guard version <= 5 else { throw PickleError("unsupported pickle protocol \(version)") }
        case 0x95: // FRAME: an advisory length; opcodes simply continue
            _ = try readUInt(8)
        case 0x2E: // STOP
            let result = try pop()
            return result
        case 0x28: // MARK
            marks.append(stack.count)
        case 0x30: // POP
            if let m = marks.last, m == stack.count { marks.removeLast() } else { _ = try pop() }
        case 0x31: // POP_MARK
            _ = try popMark()
        case 0x32: // DUP
            try push(try top())

        // Integers and floats.
        case 0x4A: try push(.int(Int(Int32(bitPattern: UInt32(try readUInt(4)))))) // BININT
        case 0x4B: try push(.int(Int(try readUInt(1))))                              // BININT1
        case 0x4D: try push(.int(Int(try readUInt(2))))                              // BININT2
        case 0x8A: try push(try readLong(Int(try readUInt(1))))                      // LONG1
        case 0x8B: // LONG4
            let n = Int32(bitPattern: UInt32(try readUInt(4)))
            guard n >= 0 else { throw PickleError("negative LONG4 length") }
            try push(try readLong(Int(n)))
        case 0x49: // INT (text); protocol 0 writes True / False as 01 / 00
            let line = try readLine()
            if line == "01" { try push(.bool(true)) } else if line == "00" { try push(.bool(false)) }
            else if let v = Int(line) { try push(.int(v)) } else { try push(.bigInt(byteCount: line.count)) }
        case 0x4C: // LONG (text)
            var line = try readLine()
            if line.hasSuffix("L") { line.removeLast() }
            if let v = Int(line) { try push(.int(v)) } else { try push(.bigInt(byteCount: line.count)) }
        case 0x47: // BINFLOAT: big-endian IEEE double
            let b = try take(8)
            var bits: UInt64 = 0
            for i in 0..<8 { bits = bits << 8 | UInt64(b[i]) }
            try push(.float(Double(bitPattern: bits)))
        case 0x46: // FLOAT (text)
            let line = try readLine()
            guard let v = Double(line) else { throw PickleError("invalid FLOAT literal '\(line)'") }
            try push(.float(v))

        // Strings and bytes.
        case 0x58: try push(.string(String(decoding: try take(try readLength(4)), as: UTF8.self))) // BINUNICODE
        case 0x8C: try push(.string(String(decoding: try take(try readLength(1)), as: UTF8.self))) // SHORT_BINUNICODE
        case 0x8D: try push(.string(String(decoding: try take(try readLength(8)), as: UTF8.self))) // BINUNICODE8
        case 0x55, 0x54: // SHORT_BINSTRING / BINSTRING: Python 2 str, read as Latin-1
            let raw = try take(try readLength(op == 0x55 ? 1 : 4))
            try push(.string(String(raw.map { Character(Unicode.Scalar($0)) })))
        case 0x43: try push(.bytes(Array(try take(try readLength(1)))))          // SHORT_BINBYTES
        case 0x42: try push(.bytes(Array(try take(try readLength(4)))))          // BINBYTES
        case 0x8E, 0x96: try push(.bytes(Array(try take(try readLength(8)))))    // BINBYTES8 / BYTEARRAY8

        // Constants.
        case 0x4E: try push(.none)        // NONE
        case 0x88: try push(.bool(true))  // NEWTRUE
        case 0x89: try push(.bool(false)) // NEWFALSE

        // Tuples.
        case 0x29: try push(.tuple([]))   // EMPTY_TUPLE
        case 0x74: try push(.tuple(try popMark())) // TUPLE
        case 0x85: try push(.tuple([try pop()]))   // TUPLE1
        case 0x86: // TUPLE2
            let b = try pop(), a = try pop()
            try push(.tuple([a, b]))
        case 0x87: // TUPLE3
            let c = try pop(), b = try pop(), a = try pop()
            try push(.tuple([a, b, c]))

        // Lists and sets.
        case 0x5D: try push(.list(PickleList()))                 // EMPTY_LIST
        case 0x6C: try push(.list(PickleList(try popMark())))    // LIST
        case 0x61: // APPEND
            let v = try pop()
            try append([v], to: try top())
        case 0x65: // APPENDS
            let items = try popMark()
            try append(items, to: try top())
        case 0x8F: try push(.list(PickleList()))                 // EMPTY_SET
        case 0x90: // ADDITEMS
            let items = try popMark()
            try append(items, to: try top())
        case 0x91: try push(.list(PickleList(try popMark())))    // FROZENSET

        // Dicts.
        case 0x7D: try push(.dict(PickleDict()))                 // EMPTY_DICT
        case 0x64: // DICT
            let items = try popMark()
            let d = PickleDict()
            try setItems(items, in: .dict(d))
            try push(.dict(d))
        case 0x73: // SETITEM
            let value = try pop(), key = try pop()
            try setItems([key, value], in: try top())
        case 0x75: // SETITEMS
            let items = try popMark()
            try setItems(items, in: try top())

        // Memo.
        case 0x71: memo[Int(try readUInt(1))] = try top()    // BINPUT
        case 0x72: memo[Int(try readUInt(4))] = try top()    // LONG_BINPUT
        case 0x94: memo[memo.count] = try top()              // MEMOIZE
        case 0x70: // PUT (text)
            guard let k = Int(try readLine()) else { throw PickleError("invalid PUT index") }
            memo[k] = try top()
        case 0x68: try push(try memoGet(Int(try readUInt(1))))   // BINGET
        case 0x6A: try push(try memoGet(Int(try readUInt(4))))   // LONG_BINGET
        case 0x67: // GET (text)
            guard let k = Int(try readLine()) else { throw PickleError("invalid GET index") }
            try push(try memoGet(k))

        // Names, construction and persistent ids: never executed, only recognised.
        case 0x63: // GLOBAL
            let module = try readLine()
            let name = try readLine()
            try push(.global(module: module, name: name))
        case 0x93: // STACK_GLOBAL
            let name = try Unpickler.string(try pop(), "STACK_GLOBAL name")
            let module = try Unpickler.string(try pop(), "STACK_GLOBAL module")
            try push(.global(module: module, name: name))
        case 0x51: // BINPERSID
            try push(try TorchGlobals.persistentLoad(try pop()))
        case 0x52: // REDUCE
            let args = try pop()
            let callable = try pop()
            guard case let .tuple(items, _) = args else {
                throw PickleError("REDUCE arguments are \(args.typeName), expected a tuple")
            }
            try push(try TorchGlobals.reduce(callable, items))
        case 0x81: // NEWOBJ
            let args = try pop()
            let cls = try pop()
            guard case let .tuple(items, _) = args else {
                throw PickleError("NEWOBJ arguments are \(args.typeName), expected a tuple")
            }
            try push(TorchGlobals.newObject(cls, items))
        case 0x92: // NEWOBJ_EX
            _ = try pop() // kwargs
            let args = try pop()
            let cls = try pop()
            guard case let .tuple(items, _) = args else {
                throw PickleError("NEWOBJ_EX arguments are \(args.typeName), expected a tuple")
            }
            try push(TorchGlobals.newObject(cls, items))
        case 0x62: // BUILD
            let state = try pop()
            let target = try top()
            TorchGlobals.build(target, state: state)
            try checkDepth(target)
        case 0x69: // INST (protocol 0): class by name, arguments from the mark
            let module = try readLine()
            let name = try readLine()
            try push(TorchGlobals.newObject(.global(module: module, name: name), try popMark()))
        case 0x6F: // OBJ (protocol 1): class and arguments from the mark
            let items = try popMark()
            guard let cls = items.first else { throw PickleError("OBJ without a class") }
            try push(TorchGlobals.newObject(cls, Array(items.dropFirst())))

        default:
            throw PickleError("unsupported opcode \(opcodeName(op)); torch.save does not write it")
        }
        return nil
    }

    private func append(_ items: [PickleValue], to target: PickleValue) throws {
        switch target {
        case let .list(l): l.append(contentsOf: items)
        case .object: break // e.g. a deque or a custom container: stays opaque
        default: throw PickleError("cannot append to \(target.typeName)")
        }
        try checkDepth(target)
    }

    private func setItems(_ items: [PickleValue], in target: PickleValue) throws {
        guard items.count % 2 == 0 else { throw PickleError("odd number of items for a dict") }
        switch target {
        case let .dict(d):
            var i = 0
            while i < items.count {
                d.set(items[i], items[i + 1])
                i += 2
            }
        case .object: break // an opaque mapping (e.g. a custom dict subclass)
        default: throw PickleError("cannot set items on \(target.typeName)")
        }
        try checkDepth(target)
    }
}

private func opcodeName(_ op: UInt8) -> String {
    let names: [UInt8: String] = [
        0x28: "MARK", 0x2E: "STOP", 0x30: "POP", 0x31: "POP_MARK", 0x32: "DUP", 0x46: "FLOAT",
        0x49: "INT", 0x4A: "BININT", 0x4B: "BININT1", 0x4C: "LONG", 0x4D: "BININT2", 0x4E: "NONE",
        0x50: "PERSID", 0x51: "BINPERSID", 0x52: "REDUCE", 0x53: "STRING", 0x54: "BINSTRING",
        0x55: "SHORT_BINSTRING", 0x56: "UNICODE", 0x58: "BINUNICODE", 0x61: "APPEND", 0x62: "BUILD",
        0x63: "GLOBAL", 0x64: "DICT", 0x7D: "EMPTY_DICT", 0x65: "APPENDS", 0x67: "GET", 0x68: "BINGET",
        0x69: "INST", 0x6A: "LONG_BINGET", 0x6C: "LIST", 0x5D: "EMPTY_LIST", 0x6F: "OBJ", 0x70: "PUT",
        0x71: "BINPUT", 0x72: "LONG_BINPUT", 0x73: "SETITEM", 0x74: "TUPLE", 0x29: "EMPTY_TUPLE",
        0x75: "SETITEMS", 0x47: "BINFLOAT", 0x80: "PROTO", 0x81: "NEWOBJ", 0x82: "EXT1", 0x83: "EXT2",
        0x84: "EXT4", 0x85: "TUPLE1", 0x86: "TUPLE2", 0x87: "TUPLE3", 0x88: "NEWTRUE", 0x89: "NEWFALSE",
        0x8A: "LONG1", 0x8B: "LONG4", 0x42: "BINBYTES", 0x43: "SHORT_BINBYTES", 0x8C: "SHORT_BINUNICODE",
        0x8D: "BINUNICODE8", 0x8E: "BINBYTES8", 0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET",
        0x92: "NEWOBJ_EX", 0x93: "STACK_GLOBAL", 0x94: "MEMOIZE", 0x95: "FRAME", 0x96: "BYTEARRAY8",
        0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]
    return names[op] ?? "0x" + String(op, radix: 16)
}
