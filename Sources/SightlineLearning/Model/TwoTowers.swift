import Foundation
import SightlineData
import SightlineEngine

/// SSM's symmetric two-tower network on what Sightline has: the track tower encodes the trajectory
/// (`TrajectoryEncoder`, then a `ProjectionHead`), the text tower projects frozen sentence embeddings
/// (MiniLM's 384-d) through its own head; both end in unit vectors compared by cosine similarity,
/// trained with symmetric InfoNCE, circle loss and the triplet loss on other-view descriptions.
/// With `Configuration.imageFeatures` > 0 the track tower also has SSM's image branch (`ImageFusion`):
/// frozen EfficientNet-Lite features of a track's crops and motion map, projected and added to the
/// trajectory's pooled features before the track head; tracks without frames leave it out.
public struct TwoTowers: Parameterized {
    public struct Configuration: Sendable, Equatable {
        /// Per-step features of a trajectory (positions, sizes, speeds, headings).
        public var trajectoryFeatures = 8
        public var channels = 64
        public var kernel = 5
        /// Width of the frozen text embedding.
        public var textFeatures = 384
        public var hidden = 256
        public var embedding = 256
        public var dropout: Float = 0.1
        /// Width of a track's frozen image features; 0: no image branch.
        public var imageFeatures = 0

        public init() {}
    }

    public let configuration: Configuration
    public var trajectory: TrajectoryEncoder
    public var trackHead: ProjectionHead
    public var textHead: ProjectionHead
    /// The image branch, when `configuration.imageFeatures` > 0.
    public var image: ImageFusion?
    /// CLIP's learnable log-scale of the logits, a scalar (shape []).
    public var logitScale: Tensor
    private let normalize = L2Normalize()

    /// The largest log-scale, log 100, where CLIP clamps it.
    public static let maximumLogScale = Float(Foundation.log(100.0))

    /// Weights drawn from `seed` with PyTorch's default initialisations, in the order trajectory, track head, text head
    /// (then the image branch, so a model without one draws the same weights).
    public init(configuration: Configuration = Configuration(), seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let c = configuration
        self.configuration = c
        trajectory = TrajectoryEncoder(features: c.trajectoryFeatures, channels: c.channels, kernel: c.kernel, generator: &generator)
        trackHead = ProjectionHead(inFeatures: 2 * c.channels, hidden: c.hidden, outFeatures: c.embedding, dropout: c.dropout, generator: &generator)
        textHead = ProjectionHead(inFeatures: c.textFeatures, hidden: c.hidden, outFeatures: c.embedding, dropout: c.dropout, generator: &generator)
        image = c.imageFeatures > 0
            ? ImageFusion(inFeatures: c.imageFeatures, hidden: c.hidden, outFeatures: 2 * c.channels, dropout: c.dropout, generator: &generator)
            : nil
        logitScale = Tensor(shape: [], data: [SymmetricInfoNCE.initialLogScale])
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try trajectory.visitParameters(prefix + "trajectory.", body)
        try trackHead.visitParameters(prefix + "track_head.", body)
        try textHead.visitParameters(prefix + "text_head.", body)
        try body(prefix + "logit_scale", &logitScale)
        try image?.visitParameters(prefix + "image.", body)
    }

    public struct Gradients: Parameterized {
        public var trajectory: TrajectoryEncoder.Gradients
        public var trackHead: ProjectionHead.Gradients
        public var textHead: ProjectionHead.Gradients
        public var logitScale: Tensor
        public var image: ImageFusion.Gradients?

        public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
            try trajectory.visitParameters(prefix + "trajectory.", body)
            try trackHead.visitParameters(prefix + "track_head.", body)
            try textHead.visitParameters(prefix + "text_head.", body)
            try body(prefix + "logit_scale", &logitScale)
            try image?.visitParameters(prefix + "image.", body)
        }
    }

    /// How much each loss counts in the total.
    public struct LossWeights: Sendable, Equatable {
        public var infoNCE: Float = 1
        public var circle: Float = 1
        public var triplet: Float = 1

        public init(infoNCE: Float = 1, circle: Float = 1, triplet: Float = 1) {
            self.infoNCE = infoNCE
            self.circle = circle
            self.triplet = triplet
        }
    }

    /// Each loss of a batch and their weighted sum.
    public struct Losses: Sendable, Equatable {
        public var infoNCE: Float
        public var circle: Float
        public var triplet: Float
        public var total: Float
    }

    /// Unit track embeddings [batch × embedding] of trajectories [batch × time × features], without dropout;
    /// with an image branch, row i also reads row i of `images` [batch × imageFeatures] where `hasImage[i]`.
    public func embedTracks(_ trajectories: Tensor, images: Tensor? = nil, hasImage: [Bool] = []) -> Tensor {
        var features = trajectory(trajectories)
        if let image, let images, hasImage.contains(true) {
            features = image(features, images: images, present: hasImage)
        }
        return normalize.forward(trackHead(features)).output
    }

    /// Unit text embeddings [batch × embedding] of frozen sentence embeddings [batch × textFeatures], without dropout.
    public func embedTexts(_ texts: Tensor) -> Tensor {
        normalize.forward(textHead(texts)).output
    }

    /// The training losses of `batch` and their gradients, with dropout masks drawn from `generator`
    /// (the track head's first, then the text head's over the texts followed by the other views; a batch
    /// with image features first draws the seed of the image branch's masks).
    public func lossAndGradients(_ batch: ContrastiveBatch, weights: LossWeights = LossWeights(),
                                 generator: inout SplitMix64) -> (losses: Losses, gradients: Gradients) {
        let n = batch.count, width = configuration.embedding
        let (pooled, trajectoryCache) = trajectory.forward(batch.trajectories)
        var features = pooled
        var imageCache: ImageFusion.Cache?
        if let image, let images = batch.images {
            var imageMasks = SplitMix64(seed: generator.next())
            let fused = image.forward(pooled, images: images, present: batch.hasImage, generator: &imageMasks)
            features = fused.output
            imageCache = fused.cache
        }
        let (trackRaw, trackHeadCache) = trackHead.forward(features, generator: &generator)
        let (tracks, trackNormCache) = normalize.forward(trackRaw)
        var textInput = batch.texts
        if let others = batch.otherViews {
            textInput = Tensor(shape: [2 * n, configuration.textFeatures], data: batch.texts.data + others.data)
        }
        let (textRaw, textHeadCache) = textHead.forward(textInput, generator: &generator)
        let (textAll, textNormCache) = normalize.forward(textRaw)
        let texts = Tensor(shape: [n, width], data: Array(textAll.data[0..<(n * width)]))
        let negatives = batch.otherViews == nil ? nil : Tensor(shape: [n, width], data: Array(textAll.data[(n * width)...]))

        let similarities = SimilarityMatrix.forward(tracks, texts)
        let infoNCE = SymmetricInfoNCE()(similarities: similarities, logScale: logitScale.data[0])
        let circle = CircleLoss()(similarities: similarities)
        let triplet = TripletLoss()(anchors: tracks, positives: texts, negatives: negatives, hasNegative: batch.hasOtherView)

        let dS = Tensor(shape: similarities.shape, data: zip(infoNCE.similarities.data, circle.similarities.data).map {
            weights.infoNCE * $0 + weights.circle * $1
        })
        var (dTracks, dTexts) = SimilarityMatrix.backward(dS, tracks, texts)
        for k in dTracks.data.indices {
            dTracks.data[k] += weights.triplet * triplet.anchors.data[k]
            dTexts.data[k] += weights.triplet * triplet.positives.data[k]
        }
        var dTextAll = dTexts.data
        if negatives != nil { dTextAll += triplet.negatives.data.map { weights.triplet * $0 } }
        let dTextRaw = normalize.backward(Tensor(shape: textAll.shape, data: dTextAll), cache: textNormCache)
        let (_, textGradients) = textHead.backward(dTextRaw, cache: textHeadCache)
        let (dFeatures, trackGradients) = trackHead.backward(normalize.backward(dTracks, cache: trackNormCache), cache: trackHeadCache)
        let imageGradients = imageCache.flatMap { cache in image.map { $0.backward(dFeatures, cache: cache).parameters } }
            ?? image.map { ImageFusion.Gradients(head: $0.head.zeroGradients) }
        let (_, trajectoryGradients) = trajectory.backward(dFeatures, cache: trajectoryCache)

        let total = weights.infoNCE * infoNCE.loss + weights.circle * circle.loss + weights.triplet * triplet.loss
        return (Losses(infoNCE: infoNCE.loss, circle: circle.loss, triplet: triplet.loss, total: total),
                Gradients(trajectory: trajectoryGradients, trackHead: trackGradients, textHead: textGradients,
                          logitScale: Tensor(shape: [], data: [weights.infoNCE * infoNCE.logScale]), image: imageGradients))
    }
}

/// One training batch of matching tracks and descriptions: row i of `trajectories` is described by row i of
/// `texts`; `otherViews` row i, where `hasOtherView[i]`, embeds a description of the same vehicle seen by
/// another camera (the triplet's negative; other rows are ignored).
public struct ContrastiveBatch: Sendable {
    /// [batch × time × features].
    public var trajectories: Tensor
    /// [batch × textFeatures].
    public var texts: Tensor
    /// [batch × textFeatures], or nil when no track of the batch has another view.
    public var otherViews: Tensor?
    public var hasOtherView: [Bool]
    /// [batch × imageFeatures] frozen image features, or nil when no track of the batch has frames;
    /// rows where `hasImage` is false are ignored.
    public var images: Tensor?
    public var hasImage: [Bool]

    public var count: Int { texts.shape[0] }

    public init(trajectories: Tensor, texts: Tensor, otherViews: Tensor? = nil, hasOtherView: [Bool] = [],
                images: Tensor? = nil, hasImage: [Bool] = []) {
        precondition(trajectories.rank == 3 && texts.rank == 2 && trajectories.shape[0] == texts.shape[0],
                     "batch of trajectories \(trajectories.shape) and texts \(texts.shape)")
        precondition(otherViews.map { $0.shape == texts.shape && hasOtherView.count == texts.shape[0] } ?? hasOtherView.allSatisfy { !$0 },
                     "other views \(otherViews?.shape ?? []) with \(hasOtherView.count) flags for texts \(texts.shape)")
        self.trajectories = trajectories
        self.texts = texts
        self.otherViews = otherViews
        self.hasOtherView = otherViews == nil ? [] : hasOtherView
        precondition(images.map { $0.rank == 2 && $0.shape[0] == texts.shape[0] && hasImage.count == texts.shape[0] } ?? true,
                     "images \(images?.shape ?? []) with \(hasImage.count) flags for texts \(texts.shape)")
        self.images = hasImage.contains(true) ? images : nil
        self.hasImage = self.images == nil ? [] : hasImage
    }
}
