/// Reader for PyTorch's legacy (pre-1.6, non-zip) `torch.save` format holding a state dict.
///
/// Layout: four consecutive pickles — magic number, protocol version, system info,
/// the state dict whose tensors name their storages by persistent id
/// `("storage", type, key, location, size, view)` — then a pickled list of storage keys,
/// then each storage in that order as an int64 element count followed by its raw bytes.
public enum TorchCheckpoint {
    /// Reads every tensor of the state dict in the file at `path`, converted to `Float`.
    public static func load(path: String) throws -> [String: StoredTensor] {
        try parse(WeightFile.read(path), path: path)
    }

    static func parse(_ bytes: [UInt8], path: String) throws -> [String: StoredTensor] {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
            throw WeightFileError.unsupportedFormat(path: path, reason: "zip-container checkpoint (torch >= 1.6); re-save with _use_new_zipfile_serialization=False")
        }
        guard bytes.first == 0x80 else {
            throw WeightFileError.malformed(path: path, offset: 0, reason: "not a pickle (first byte is not PROTO)")
        }
        var unpickler = Unpickler(reader: ByteReader(bytes: bytes, path: path))
        guard case .int = try unpickler.load() else {
            throw WeightFileError.malformed(path: path, offset: 0, reason: "magic number missing")
        }
        _ = try unpickler.load()                    // protocol version
        _ = try unpickler.load()                    // system info
        let stateOffset = unpickler.offset
        let state = try unpickler.load()
        let keysOffset = unpickler.offset
        guard case let .list(keyList) = try unpickler.load() else {
            throw WeightFileError.malformed(path: path, offset: keysOffset, reason: "storage key list missing")
        }
        guard case let .dict(dict) = state else {
            throw WeightFileError.malformed(path: path, offset: stateOffset, reason: "checkpoint is not a state dict")
        }

        var reader = ByteReader(bytes: bytes, path: path, offset: unpickler.offset)
        var storageBytes: [String: ArraySlice<UInt8>] = [:]
        let elementSizes = try storageElementSizes(dict, path: path, offset: stateOffset)
        for item in keyList.items {
            guard case let .string(key) = item, let size = elementSizes[key]?.size else {
                throw WeightFileError.malformed(path: path, offset: keysOffset, reason: "storage key list names an unknown storage")
            }
            let countOffset = reader.offset
            let count = try reader.int(8)
            guard count >= 0, count <= Int64(bytes.count) else {
                throw WeightFileError.malformed(path: path, offset: countOffset, reason: "storage \(key) has \(count) elements")
            }
            storageBytes[key] = try reader.take(Int(count) * size)
        }

        var tensors: [String: StoredTensor] = [:]
        for name in dict.keys {
            guard case let .tensor(reference)? = dict.values[name] else {
                throw WeightFileError.malformed(path: path, offset: stateOffset, reason: "entry \(name) is not a tensor")
            }
            let (key, dtype) = try storageIdentity(reference.storage, path: path, offset: stateOffset)
            guard let raw = storageBytes[key] else {
                throw WeightFileError.malformed(path: path, offset: keysOffset, reason: "storage \(key) of \(name) is not in the file")
            }
            tensors[name] = try materialise(reference, storage: WeightFile.floats(raw, dtype: dtype), name: name, path: path)
        }
        return tensors
    }

    private static func storageElementSizes(_ dict: PickleDict, path: String, offset: Int) throws -> [String: StoredType] {
        var sizes: [String: StoredType] = [:]
        for case let .tensor(reference)? in dict.keys.map({ dict.values[$0] }) {
            let (key, dtype) = try storageIdentity(reference.storage, path: path, offset: offset)
            sizes[key] = dtype
        }
        return sizes
    }

    private static func storageIdentity(_ value: PickleValue, path: String, offset: Int) throws -> (String, StoredType) {
        guard case let .persistent(.tuple(fields)) = value, fields.count >= 3,
              case .string("storage") = fields[0],
              case let .global(_, typeName) = fields[1],
              case let .string(key) = fields[2] else {
            throw WeightFileError.malformed(path: path, offset: offset, reason: "tensor storage is not a persistent storage id")
        }
        let dtype: StoredType
        switch typeName {
        case "FloatStorage": dtype = .float32
        case "DoubleStorage": dtype = .float64
        case "HalfStorage": dtype = .float16
        case "BFloat16Storage": dtype = .bfloat16
        case "LongStorage": dtype = .int64
        case "IntStorage": dtype = .int32
        default: throw WeightFileError.unsupportedFormat(path: path, reason: "storage type \(typeName)")
        }
        return (key, dtype)
    }

    private static func materialise(_ reference: TensorReference, storage: [Float], name: String, path: String) throws -> StoredTensor {
        let count = reference.shape.reduce(1, *)
        guard reference.shape.count == reference.stride.count else {
            throw WeightFileError.malformed(path: path, offset: 0, reason: "tensor \(name) has \(reference.shape.count) sizes and \(reference.stride.count) strides")
        }
        var maxIndex = reference.offset
        for (size, stride) in zip(reference.shape, reference.stride) where size > 0 { maxIndex += (size - 1) * stride }
        guard reference.offset >= 0, count == 0 || maxIndex < storage.count, reference.stride.allSatisfy({ $0 >= 0 }) else {
            throw WeightFileError.malformed(path: path, offset: 0, reason: "tensor \(name) reaches past its storage")
        }
        var contiguous = true
        var expected = 1
        for d in stride(from: reference.shape.count - 1, through: 0, by: -1) where reference.shape[d] > 1 {
            if reference.stride[d] != expected { contiguous = false }
            expected *= reference.shape[d]
        }
        if contiguous {
            return StoredTensor(shape: reference.shape, data: Array(storage[reference.offset..<(reference.offset + count)]))
        }
        var data = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: reference.shape.count)
        for i in 0..<count {
            var source = reference.offset
            for d in 0..<index.count { source += index[d] * reference.stride[d] }
            data[i] = storage[source]
            var d = index.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < reference.shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return StoredTensor(shape: reference.shape, data: data)
    }
}
