import Foundation
import SightlineData
import SightlineEngine
import SightlineLanguage
import SightlineTracks
import SightlineWeightFiles

/// The trained two-tower model as the ranking uses it: the track tower turns a track's
/// `TrackSequence` into a unit vector, the text head turns a query's frozen MiniLM embeddings into
/// one, and their dot product is the learned similarity. `hash` names the weights, so that an index
/// built with one model refuses another. A model trained with frames (`sightline train --frames-root`)
/// also has the image branch; it reads `TrackImageFeatures` of the tracks that have them, and tracks
/// without (no frames, or an index, which stores no image features) are embedded from the trajectory alone.
public struct LearnedSimilarity: Sendable {
    /// The architecture every learned model of this version has: no image branch by default, one that
    /// reads `imageFeatures` per track otherwise.
    public static func configuration(imageFeatures: Int) -> TwoTowers.Configuration {
        var c = configuration
        c.imageFeatures = imageFeatures
        return c
    }

    /// The architecture of a learned model without image branch.
    public static var configuration: TwoTowers.Configuration {
        var c = TwoTowers.Configuration()
        c.trajectoryFeatures = TrackSequence.featureCount
        c.channels = 64
        c.kernel = 5
        c.hidden = 256
        c.embedding = 64
        c.dropout = 0.1
        return c
    }

    /// Time steps a track is resampled to.
    public static let steps = 32

    public let model: TwoTowers
    /// The calibrated heads over the track tower (stored under "readings.").
    public let readings: TrackReadings
    /// FNV-1a digest of the weight file's bytes, 16 hex digits.
    public let hash: String

    public init(model: TwoTowers, readings: TrackReadings? = nil, hash: String) {
        self.model = model
        self.readings = readings ?? TrackReadings(pooledFeatures: model.trajectory.outputWidth, seed: 0)
        self.hash = hash
    }

    /// Loads a model written by `sightline train` strictly; throws `WeightFileError` naming the file and tensor.
    public init(path: String) throws {
        let stored = try SafeTensors.load(path: path).mapValues(Tensor.init)
        let imageFeatures = stored[Self.imageInputName].flatMap { $0.rank == 2 ? $0.shape[1] : nil } ?? 0
        var model = TwoTowers(configuration: Self.configuration(imageFeatures: imageFeatures), seed: 0)
        var readings = TrackReadings(pooledFeatures: model.trajectory.outputWidth, seed: 0)
        var weights = StrictWeights(stored, path: path)
        try model.visitParameters("") { name, tensor in tensor = try weights.take(name, shape: tensor.shape) }
        try readings.visitParameters("readings.") { name, tensor in tensor = try weights.take(name, shape: tensor.shape) }
        try weights.finish { _ in false }
        self.model = model
        self.readings = readings
        hash = Self.digest(try WeightFile.read(path))
    }

    /// The tensor whose shape says a model file has an image branch and how wide its input is.
    static let imageInputName = "image.head.fc1.weight"

    /// Whether the track tower reads image features, and how many per track (0: none).
    public var imageFeatures: Int { model.image?.inFeatures ?? 0 }

    /// Writes the towers and the readings to one safetensors file, atomically.
    public static func save(model: TwoTowers, readings: TrackReadings, to path: String) throws {
        var tensors: [String: StoredTensor] = [:]
        for (name, t) in model.namedParameters { tensors[name] = StoredTensor(shape: t.shape, data: t.data) }
        var r = readings
        r.visitParameters("readings.") { name, t in tensors[name] = StoredTensor(shape: t.shape, data: t.data) }
        try AtomicFile.write(Data(SafeTensors.encode(tensors)), to: URL(fileURLWithPath: path))
    }

    /// What the readings read of `sequences`, mirrored left to right when `mirrored`: each track's
    /// pooled features from the track tower (2·channels) followed by its `TrackSequence.pathFeatures`.
    public func readingInputs(_ sequences: [TrackSequence], mirrored: Bool = false) -> Tensor {
        let width = TrackSequence.featureCount
        let pooled = model.trajectory(Tensor(shape: [sequences.count, Self.steps, width],
                                             data: sequences.flatMap { $0.resampled(steps: Self.steps, mirrored: mirrored) }))
        let p = pooled.shape[1]
        var data: [Float] = []
        data.reserveCapacity(sequences.count * (p + TrackReadings.pathWidth))
        for (i, sequence) in sequences.enumerated() {
            data += pooled.data[(i * p)..<(i * p + p)]
            var path = sequence.pathFeatures
            if mirrored { for f in TrackSequence.mirroredPathFeatures { path[f] = -path[f] } }
            data += path.map(Float.init)
        }
        return Tensor(shape: [sequences.count, p + TrackReadings.pathWidth], data: data)
    }

    /// Calibrated probabilities of each track's readings, in order.
    public func probabilities(_ sequences: [TrackSequence]) -> [TrackProbabilities] {
        guard !sequences.isEmpty else { return [] }
        let features = readingInputs(sequences)
        let turn = readings.probabilities(.turn, features: features)
        let stop = readings.probabilities(.stop, features: features)
        let waits = readings.probabilities(.waits, features: features)
        return sequences.indices.map {
            TrackProbabilities(straight: turn[$0][0], left: turn[$0][1], right: turn[$0][2], stop: stop[$0][1], waits: waits[$0][1])
        }
    }

    /// Where the model that ships with Sightline lies.
    public static var bundledPath: String? {
        Bundle.module.url(forResource: "learned-v2", withExtension: "safetensors")?.path
    }

    /// The model that ships with Sightline.
    public static func bundled() throws -> LearnedSimilarity {
        guard let path = bundledPath else { throw WeightFileError.unreadable(path: "learned-v2.safetensors", reason: "not in the SightlineLearning bundle") }
        return try LearnedSimilarity(path: path)
    }

    /// Unit track embeddings of `sequences`, in order; with an image branch, `images[i]` (when given
    /// and of the branch's width) joins track i.
    public func embedTracks(_ sequences: [TrackSequence], images: [[Float]?] = []) -> [[Float]] {
        guard !sequences.isEmpty else { return [] }
        let width = TrackSequence.featureCount
        let input = Tensor(shape: [sequences.count, Self.steps, width], data: sequences.flatMap { $0.resampled(steps: Self.steps) })
        let imageWidth = imageFeatures
        let rows = sequences.indices.map { $0 < images.count ? images[$0].flatMap { $0.count == imageWidth && imageWidth > 0 ? $0 : nil } : nil }
        let hasImage = rows.map { $0 != nil }
        let imageTensor = hasImage.contains(true)
            ? Tensor(shape: [rows.count, imageWidth], data: rows.flatMap { $0 ?? [Float](repeating: 0, count: imageWidth) })
            : nil
        let output = model.embedTracks(input, images: imageTensor, hasImage: hasImage)
        let d = output.shape[1]
        return (0..<sequences.count).map { Array(output.data[($0 * d)..<($0 * d + d)]) }
    }

    /// Unit embedding of a query from the text features (`LearnedText.features`) of its descriptions:
    /// the text head's outputs averaged and normalised.
    public func embedQuery(_ descriptions: [[Float]]) -> [Float] {
        guard !descriptions.isEmpty else { return [] }
        let output = model.embedTexts(Tensor(shape: [descriptions.count, descriptions[0].count], data: descriptions.flatMap { $0 }))
        let d = output.shape[1]
        var mean = [Float](repeating: 0, count: d)
        for r in 0..<descriptions.count { for i in 0..<d { mean[i] += output.data[r * d + i] } }
        let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return mean.map { $0 / norm }
    }

    static func digest(_ bytes: [UInt8]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The text side's input: a description's frozen MiniLM embedding averaged with those of SSM's
/// motion and location emphasis sentences (`TextAugmentation`), so motion and place weigh more.
public enum LearnedText {
    /// The sentences whose embeddings make up one description's features.
    public static func sentences(of description: String, parser: DescriptionParser = DescriptionParser()) -> [String] {
        let augmentation = TextAugmentation(parser.parse(description))
        return [description, augmentation.motion, augmentation.location]
    }

    /// The features of each description, embedding every distinct sentence once through `embed`.
    public static func features(of descriptions: [String], embed: ([String]) -> [[Float]]) -> [[Float]] {
        let parser = DescriptionParser()
        let groups = descriptions.map { sentences(of: $0, parser: parser) }
        let distinct = Array(Set(groups.flatMap { $0 })).sorted()
        let table = Dictionary(uniqueKeysWithValues: zip(distinct, embed(distinct)))
        return groups.map { group in average(group.compactMap { table[$0] }) }
    }

    /// The normalised mean of unit vectors.
    static func average(_ vectors: [[Float]]) -> [Float] {
        guard let first = vectors.first else { return [] }
        var mean = [Float](repeating: 0, count: first.count)
        for v in vectors { for i in mean.indices { mean[i] += v[i] } }
        let norm = max(mean.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
        return mean.map { $0 / norm }
    }
}
