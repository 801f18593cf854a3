import Foundation
import SightlineData
import SightlineEngine
import SightlineWeightFiles

extension Parameterized {
    /// Writes every tensor to a safetensors file under its state-dict name (readable by
    /// `safetensors.torch.load_file`), atomically, so a crash never leaves half a file.
    public func save(to path: String) throws {
        let tensors = Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.name, StoredTensor(shape: $0.tensor.shape, data: $0.tensor.data)) })
        try AtomicFile.write(Data(SafeTensors.encode(tensors)), to: URL(fileURLWithPath: path))
    }

    /// Replaces every tensor with the one of the same name in the safetensors file at `path`. Throws
    /// `WeightFileError` naming the tensor when one is missing, has another shape, or is not a parameter
    /// of this model; nothing is changed then.
    public mutating func load(from path: String) throws {
        var weights = StrictWeights(try SafeTensors.load(path: path).mapValues(Tensor.init), path: path)
        var loaded = self
        try loaded.visitParameters("") { name, tensor in tensor = try weights.take(name, shape: tensor.shape) }
        try weights.finish { _ in false }
        self = loaded
    }
}
