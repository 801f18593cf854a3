/// A value produced by the pickle subset that `torch.save` writes for a state dict.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    case global(module: String, name: String)
    /// A persistent reference (`BINPERSID`), resolved by the caller.
    case persistent(PickleValue)
    /// `callable(*arguments)` for a callable the unpickler does not evaluate itself.
    case call(PickleValue, [PickleValue])
    /// A tensor built by `torch._utils._rebuild_tensor_v2`.
    case tensor(TensorReference)
}

/// Mutable list, shared by reference as in Python so memoised lists see later appends.
final class PickleList {
    var items: [PickleValue] = []
}

/// Mutable insertion-ordered dict with string keys, shared by reference like `PickleList`.
final class PickleDict {
    var keys: [String] = []
    var values: [String: PickleValue] = [:]

    func set(_ key: String, _ value: PickleValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }
}

/// A view into a storage: `storage[offset...]` with `shape` and `stride` in elements.
struct TensorReference {
    let storage: PickleValue
    let offset: Int
    let shape: [Int]
    let stride: [Int]
}

/// A stack machine for pickle protocols 0–5, restricted to the opcodes that
/// serialise dicts, lists, tuples, scalars, globals and persistent ids.
///
/// Objects are built only through a fixed allow-list (`collections.OrderedDict`,
/// `torch._utils._rebuild_tensor_v2`, torch storage types); nothing is executed.
struct Unpickler {
    private var reader: ByteReader
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(reader: ByteReader) {
        self.reader = reader
    }

    /// Offset just past the last `STOP`, where the next pickle or raw data begins.
    var offset: Int { reader.offset }

    /// Decodes one pickle starting at the reader's offset.
    mutating func load() throws -> PickleValue {
        stack = []; marks = []; memo = [:]
        while true {
            let at = reader.offset
            let opcode = try reader.byte()
            switch opcode {
            case 0x80: _ = try reader.byte()                       // PROTO
            case 0x95: _ = try reader.uint(8)                      // FRAME
            case 0x2E:                                             // STOP
                return try pop(at)
            case 0x28: marks.append(stack.count)                   // MARK
            case 0x4E: stack.append(.none)                         // NONE
            case 0x88: stack.append(.bool(true))                   // NEWTRUE
            case 0x89: stack.append(.bool(false))                  // NEWFALSE
            case 0x4A: stack.append(.int(try reader.int(4)))       // BININT
            case 0x4B: stack.append(.int(Int64(try reader.uint(1)))) // BININT1
            case 0x4D: stack.append(.int(Int64(try reader.uint(2)))) // BININT2
            case 0x8A:                                             // LONG1
                let n = Int(try reader.byte())
                stack.append(.int(try longValue(n, at: at)))
            case 0x47:                                             // BINFLOAT (big-endian)
                let raw = try reader.take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                stack.append(.float(Double(bitPattern: raw)))
            case 0x58:                                             // BINUNICODE
                let n = Int(try reader.uint(4))
                stack.append(.string(String(decoding: try reader.take(n), as: UTF8.self)))
            case 0x8C:                                             // SHORT_BINUNICODE
                let n = Int(try reader.byte())
                stack.append(.string(String(decoding: try reader.take(n), as: UTF8.self)))
            case 0x55:                                             // SHORT_BINSTRING
                let n = Int(try reader.byte())
                stack.append(.string(String(decoding: try reader.take(n), as: UTF8.self)))
            case 0x54:                                             // BINSTRING
                let n = Int(try reader.int(4))
                stack.append(.string(String(decoding: try reader.take(n), as: UTF8.self)))
            case 0x43:                                             // SHORT_BINBYTES
                let n = Int(try reader.byte())
                stack.append(.bytes(Array(try reader.take(n))))
            case 0x42:                                             // BINBYTES
                let n = Int(try reader.uint(4))
                stack.append(.bytes(Array(try reader.take(n))))
            case 0x7D: stack.append(.dict(PickleDict()))           // EMPTY_DICT
            case 0x5D: stack.append(.list(PickleList()))           // EMPTY_LIST
            case 0x29: stack.append(.tuple([]))                    // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark(at)))       // TUPLE
            case 0x85: stack.append(.tuple([try pop(at)]))         // TUPLE1
            case 0x86:                                             // TUPLE2
                let b = try pop(at), a = try pop(at)
                stack.append(.tuple([a, b]))
            case 0x87:                                             // TUPLE3
                let c = try pop(at), b = try pop(at), a = try pop(at)
                stack.append(.tuple([a, b, c]))
            case 0x6C:                                             // LIST
                let list = PickleList(); list.items = try popMark(at)
                stack.append(.list(list))
            case 0x64:                                             // DICT
                let dict = PickleDict()
                try setItems(dict, try popMark(at), at: at)
                stack.append(.dict(dict))
            case 0x61:                                             // APPEND
                let value = try pop(at)
                guard case let .list(list)? = stack.last else { throw malformed(at, "APPEND without a list") }
                list.items.append(value)
            case 0x65:                                             // APPENDS
                let values = try popMark(at)
                guard case let .list(list)? = stack.last else { throw malformed(at, "APPENDS without a list") }
                list.items += values
            case 0x73:                                             // SETITEM
                let value = try pop(at), key = try pop(at)
                guard case let .dict(dict)? = stack.last else { throw malformed(at, "SETITEM without a dict") }
                try setItems(dict, [key, value], at: at)
            case 0x75:                                             // SETITEMS
                let pairs = try popMark(at)
                guard case let .dict(dict)? = stack.last else { throw malformed(at, "SETITEMS without a dict") }
                try setItems(dict, pairs, at: at)
            case 0x63:                                             // GLOBAL
                let module = try reader.line(), name = try reader.line()
                stack.append(.global(module: module, name: name))
            case 0x93:                                             // STACK_GLOBAL
                guard case let .string(name) = try pop(at), case let .string(module) = try pop(at) else {
                    throw malformed(at, "STACK_GLOBAL needs two strings")
                }
                stack.append(.global(module: module, name: name))
            case 0x71: memo[Int(try reader.byte())] = try top(at)  // BINPUT
            case 0x72: memo[Int(try reader.uint(4))] = try top(at) // LONG_BINPUT
            case 0x94: memo[memo.count] = try top(at)              // MEMOIZE
            case 0x68: stack.append(try memoValue(Int(try reader.byte()), at: at))   // BINGET
            case 0x6A: stack.append(try memoValue(Int(try reader.uint(4)), at: at))  // LONG_BINGET
            case 0x51: stack.append(.persistent(try pop(at)))      // BINPERSID
            case 0x52:                                             // REDUCE
                guard case let .tuple(arguments) = try pop(at) else { throw malformed(at, "REDUCE arguments are not a tuple") }
                stack.append(try reduce(try pop(at), arguments, at: at))
            case 0x81:                                             // NEWOBJ
                guard case let .tuple(arguments) = try pop(at) else { throw malformed(at, "NEWOBJ arguments are not a tuple") }
                stack.append(try reduce(try pop(at), arguments, at: at))
            case 0x62: _ = try pop(at)                             // BUILD: object state (e.g. `_metadata`) is not needed
            default:
                throw malformed(at, "unsupported pickle opcode 0x\(String(opcode, radix: 16))")
            }
        }
    }

    private func malformed(_ at: Int, _ reason: String) -> WeightFileError {
        .malformed(path: reader.path, offset: at, reason: reason)
    }

    private mutating func pop(_ at: Int) throws -> PickleValue {
        guard let value = stack.popLast() else { throw malformed(at, "pickle stack underflow") }
        return value
    }

    private func top(_ at: Int) throws -> PickleValue {
        guard let value = stack.last else { throw malformed(at, "memoising an empty stack") }
        return value
    }

    private func memoValue(_ index: Int, at: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw malformed(at, "memo entry \(index) is missing") }
        return value
    }

    private mutating func popMark(_ at: Int) throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw malformed(at, "no MARK on the stack") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func longValue(_ count: Int, at: Int) throws -> Int64 {
        let bytes = try reader.take(count)
        guard count <= 8 else { return 0 }
        var value: UInt64 = 0
        for (i, b) in bytes.enumerated() { value |= UInt64(b) << (8 * UInt64(i)) }
        if count > 0 && count < 8 && (bytes.last ?? 0) & 0x80 != 0 { value |= ~UInt64(0) << (8 * UInt64(count)) }
        return Int64(bitPattern: value)
    }

    private func setItems(_ dict: PickleDict, _ flat: [PickleValue], at: Int) throws {
        guard flat.count % 2 == 0 else { throw malformed(at, "odd number of dict items") }
        for i in stride(from: 0, to: flat.count, by: 2) {
            let key: String
            switch flat[i] {
            case let .string(s): key = s
            case let .int(n): key = String(n)
            default: throw malformed(at, "dict key is neither a string nor an integer")
            }
            dict.set(key, flat[i + 1])
        }
    }

    private func reduce(_ callable: PickleValue, _ arguments: [PickleValue], at: Int) throws -> PickleValue {
        guard case let .global(module, name) = callable else { return .call(callable, arguments) }
        switch (module, name) {
        case ("collections", "OrderedDict"):
            return .dict(PickleDict())
        case ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"):
            guard arguments.count >= 4,
                  case let .int(offset) = arguments[1],
                  case let .tuple(shape) = arguments[2],
                  case let .tuple(stride) = arguments[3] else {
                throw malformed(at, "_rebuild_tensor_v2 arguments are not (storage, offset, size, stride, ...)")
            }
            let sizes = try shape.map { v -> Int in
                guard case let .int(n) = v, n >= 0 else { throw malformed(at, "tensor size is not a natural number") }
                return Int(n)
            }
            let strides = try stride.map { v -> Int in
                guard case let .int(n) = v else { throw malformed(at, "tensor stride is not an integer") }
                return Int(n)
            }
            return .tensor(TensorReference(storage: arguments[0], offset: Int(offset), shape: sizes, stride: strides))
        default:
            return .call(callable, arguments)
        }
    }
}
