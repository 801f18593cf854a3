/// The parts of an ONNX model file (`ModelProto`) an inference engine needs: the graph's initializers and its
/// nodes in file order, read with a minimal protobuf decoder that treats the file as untrusted.
///
/// Only what a convolutional export uses is decoded: float32 and int64 initializers (from `raw_data` or the typed
/// repeated fields), and node attributes that are integers, floats, their lists or strings. Everything else is
/// skipped by wire type; externally stored data is refused.
public struct ONNXModel: Sendable, Equatable {
    /// One graph node: an operator applied to named values.
    public struct Node: Sendable, Equatable {
        public var name: String
        public var opType: String
        public var inputs: [String]
        public var outputs: [String]
        public var attributes: [String: Attribute]

        public init(name: String = "", opType: String, inputs: [String], outputs: [String], attributes: [String: Attribute] = [:]) {
            self.name = name
            self.opType = opType
            self.inputs = inputs
            self.outputs = outputs
            self.attributes = attributes
        }
    }

    /// A node attribute's value.
    public enum Attribute: Sendable, Equatable {
        case int(Int64)
        case ints([Int64])
        case float(Float)
        case floats([Float])
        case string(String)
        /// A tensor, graph or other kind this reader does not decode.
        case unsupported
    }

    /// An initializer's elements: float32 weights, or int64 constants such as slice bounds and shapes.
    public enum Initializer: Sendable, Equatable {
        case float(StoredTensor)
        case int64(shape: [Int], values: [Int64])

        public var shape: [Int] {
            switch self {
            case .float(let tensor): tensor.shape
            case .int64(let shape, _): shape
            }
        }
    }

    public var initializers: [String: Initializer]
    public var nodes: [Node]
    /// Names of the graph's inputs that are not initializers, and of its outputs.
    public var inputs: [String]
    public var outputs: [String]

    public init(initializers: [String: Initializer], nodes: [Node], inputs: [String], outputs: [String]) {
        self.initializers = initializers
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Reads the ONNX file at `path`.
    public static func load(path: String) throws -> ONNXModel {
        try parse(WeightFile.read(path), path: path)
    }

    /// Largest element count of one initializer (256 M floats); a larger declared shape is refused before allocation.
    static let maximumElements = 1 << 28

    static func parse(_ bytes: [UInt8], path: String) throws -> ONNXModel {
        var model = ProtobufReader(bytes: bytes, range: 0..<bytes.count, path: path)
        var graph: ProtobufReader?
        while let (field, wire) = try model.nextField() {
            if field == 7 && wire == 2 { graph = try model.message() } else { try model.skip(wire) }
        }
        guard var graph else {
            throw WeightFileError.malformed(path: path, offset: 0, reason: "ModelProto has no graph (field 7)")
        }
        var initializers: [String: Initializer] = [:]
        var nodes: [Node] = []
        var inputs: [String] = [], outputs: [String] = []
        while let (field, wire) = try graph.nextField() {
            switch (field, wire) {
            case (1, 2): nodes.append(try node(graph.message()))
            case (5, 2):
                let start = graph.offset
                let (name, value) = try tensor(graph.message())
                guard initializers.updateValue(value, forKey: name) == nil else {
                    throw WeightFileError.malformed(path: path, offset: start, reason: "initializer \(name) appears twice")
                }
            case (11, 2): inputs.append(try valueName(graph.message()))
            case (12, 2): outputs.append(try valueName(graph.message()))
            default: try graph.skip(wire)
            }
        }
        return ONNXModel(initializers: initializers, nodes: nodes,
                         inputs: inputs.filter { initializers[$0] == nil }, outputs: outputs)
    }

    private static func valueName(_ message: ProtobufReader) throws -> String {
        var reader = message
        var name = ""
        while let (field, wire) = try reader.nextField() {
            if field == 1 && wire == 2 { name = try reader.string() } else { try reader.skip(wire) }
        }
        return name
    }

    private static func node(_ message: ProtobufReader) throws -> Node {
        var reader = message
        var node = Node(opType: "", inputs: [], outputs: [])
        while let (field, wire) = try reader.nextField() {
            switch (field, wire) {
            case (1, 2): node.inputs.append(try reader.string())
            case (2, 2): node.outputs.append(try reader.string())
            case (3, 2): node.name = try reader.string()
            case (4, 2): node.opType = try reader.string()
            case (5, 2):
                let (name, value) = try attribute(reader.message())
                node.attributes[name] = value
            default: try reader.skip(wire)
            }
        }
        guard !node.opType.isEmpty else {
            throw WeightFileError.malformed(path: message.path, offset: message.range.lowerBound,
                                            reason: "node \(node.name) has no op_type")
        }
        return node
    }

    private static func attribute(_ message: ProtobufReader) throws -> (String, Attribute) {
        var reader = message
        var name = ""
        var float: Float?, int: Int64?, string: String?
        var floats: [Float] = [], ints: [Int64] = []
        var type: UInt64 = 0
        while let (field, wire) = try reader.nextField() {
            switch (field, wire) {
            case (1, 2): name = try reader.string()
            case (2, 5): float = Float(bitPattern: try reader.fixed32())
            case (3, 0): int = Int64(bitPattern: try reader.varint())
            case (4, 2): string = try reader.string()
            case (7, 5): floats.append(Float(bitPattern: try reader.fixed32()))
            case (7, 2): floats += try reader.packed { Float(bitPattern: try $0.fixed32()) }
            case (8, 0): ints.append(Int64(bitPattern: try reader.varint()))
            case (8, 2): ints += try reader.packed { Int64(bitPattern: try $0.varint()) }
            case (20, 0): type = try reader.varint()
            default: try reader.skip(wire)
            }
        }
        // AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7.
        let value: Attribute = switch type {
        case 1: float.map(Attribute.float) ?? .float(0)
        case 2: int.map(Attribute.int) ?? .int(0)
        case 3: string.map(Attribute.string) ?? .string("")
        case 6: .floats(floats)
        case 7: .ints(ints)
        default: .unsupported
        }
        return (name, value)
    }

    private static func tensor(_ message: ProtobufReader) throws -> (String, Initializer) {
        var reader = message
        let path = message.path
        var name = ""
        var dims: [Int64] = []
        var dataType: UInt64 = 0
        var raw: ArraySlice<UInt8>?
        var floats: [Float] = [], int64s: [Int64] = []
        var external = false
        while let (field, wire) = try reader.nextField() {
            switch (field, wire) {
            case (1, 0): dims.append(Int64(bitPattern: try reader.varint()))
            case (1, 2): dims += try reader.packed { Int64(bitPattern: try $0.varint()) }
            case (2, 0): dataType = try reader.varint()
            case (4, 5): floats.append(Float(bitPattern: try reader.fixed32()))
            case (4, 2): floats += try reader.packed { Float(bitPattern: try $0.fixed32()) }
            case (7, 0): int64s.append(Int64(bitPattern: try reader.varint()))
            case (7, 2): int64s += try reader.packed { Int64(bitPattern: try $0.varint()) }
            case (8, 2): name = try reader.string()
            case (9, 2): raw = try reader.bytesField()
            case (14, 0): external = try reader.varint() == 1
            default: try reader.skip(wire)
            }
        }
        let at = message.range.lowerBound
        if external {
            throw WeightFileError.unsupportedFormat(path: path, reason: "initializer \(name) stores its data in an external file")
        }
        var count = 1
        for dim in dims {
            guard dim >= 0, dim <= Int64(maximumElements), count.multipliedReportingOverflow(by: Int(dim)).overflow == false,
                  count * Int(dim) <= maximumElements else {
                throw WeightFileError.malformed(path: path, offset: at, reason: "initializer \(name) has dims \(dims)")
            }
            count *= Int(dim)
        }
        let shape = dims.map { Int($0) }
        // TensorProto.DataType: FLOAT 1, INT64 7.
        switch dataType {
        case 1:
            if let raw {
                guard raw.count == 4 * count else {
                    throw WeightFileError.malformed(path: path, offset: at,
                                                    reason: "initializer \(name) raw_data holds \(raw.count) bytes, shape \(shape) needs \(4 * count)")
                }
                return (name, .float(StoredTensor(shape: shape, data: WeightFile.floats(raw, dtype: .float32))))
            }
            guard floats.count == count else {
                throw WeightFileError.malformed(path: path, offset: at,
                                                reason: "initializer \(name) float_data holds \(floats.count) values, shape \(shape) needs \(count)")
            }
            return (name, .float(StoredTensor(shape: shape, data: floats)))
        case 7:
            if let raw {
                guard raw.count == 8 * count else {
                    throw WeightFileError.malformed(path: path, offset: at,
                                                    reason: "initializer \(name) raw_data holds \(raw.count) bytes, shape \(shape) needs \(8 * count)")
                }
                let values = raw.withUnsafeBytes { b in (0..<count).map { Int64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) } }
                return (name, .int64(shape: shape, values: values))
            }
            guard int64s.count == count else {
                throw WeightFileError.malformed(path: path, offset: at,
                                                reason: "initializer \(name) int64_data holds \(int64s.count) values, shape \(shape) needs \(count)")
            }
            return (name, .int64(shape: shape, values: int64s))
        default:
            throw WeightFileError.unsupportedFormat(path: path, reason: "initializer \(name) has data type \(dataType) (only float32 and int64 are read)")
        }
    }
}

/// A bounds-checked cursor over one protobuf message; every length is checked against the message's end.
struct ProtobufReader {
    let bytes: [UInt8]
    let range: Range<Int>
    let path: String
    var offset: Int

    init(bytes: [UInt8], range: Range<Int>, path: String) {
        self.bytes = bytes
        self.range = range
        self.path = path
        offset = range.lowerBound
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws -> (Int, Int)? {
        guard offset < range.upperBound else { return nil }
        let at = offset
        let key = try varint()
        let field = key >> 3
        guard field > 0, field < 1 << 29 else {
            throw WeightFileError.malformed(path: path, offset: at, reason: "field number \(field)")
        }
        return (Int(field), Int(key & 7))
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard offset < range.upperBound else {
                throw WeightFileError.truncated(path: path, offset: offset, needed: 1)
            }
            let byte = bytes[offset]
            offset += 1
            guard shift < 63 || byte <= 1 else { break }
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return value }
        }
        throw WeightFileError.malformed(path: path, offset: offset, reason: "varint longer than 64 bits")
    }

    mutating func fixed32() throws -> UInt32 {
        let raw = try fixed(4)
        return raw.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    }

    private mutating func fixed(_ count: Int) throws -> ArraySlice<UInt8> {
        guard range.upperBound - offset >= count else {
            throw WeightFileError.truncated(path: path, offset: offset, needed: count)
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    /// The bytes of a length-delimited field.
    mutating func bytesField() throws -> ArraySlice<UInt8> {
        let at = offset
        let length = try varint()
        guard length <= UInt64(range.upperBound - offset) else {
            throw WeightFileError.truncated(path: path, offset: at, needed: Int(clamping: length))
        }
        return try fixed(Int(length))
    }

    mutating func string() throws -> String {
        let field = try bytesField()
        guard let text = String(validating: field, as: UTF8.self) else {
            throw WeightFileError.malformed(path: path, offset: field.startIndex, reason: "string is not UTF-8")
        }
        return text
    }

    /// A reader over an embedded message.
    mutating func message() throws -> ProtobufReader {
        let field = try bytesField()
        return ProtobufReader(bytes: bytes, range: field.startIndex..<field.endIndex, path: path)
    }

    /// The elements of a packed repeated field.
    mutating func packed<T>(_ element: (inout ProtobufReader) throws -> T) throws -> [T] {
        var inner = try message()
        var values: [T] = []
        while inner.offset < inner.range.upperBound { values.append(try element(&inner)) }
        return values
    }

    mutating func skip(_ wire: Int) throws {
        switch wire {
        case 0: _ = try varint()
        case 1: _ = try fixed(8)
        case 2: _ = try bytesField()
        case 5: _ = try fixed(4)
        default: throw WeightFileError.malformed(path: path, offset: offset, reason: "wire type \(wire)")
        }
    }
}
