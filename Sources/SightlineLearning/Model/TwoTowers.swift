import Foundation
import SightlineData
import SightlineEngine

/// SSM's symmetric two-tower network on what Sightline has: the track tower encodes the trajectory
/// (`TrajectoryEncoder`, then a `ProjectionHead`), the text tower projects frozen sentence embeddings
/// (MiniLM's 384-d) through its own head; both end in unit vectors compared by cosine similarity,
/// trained with symmetric InfoNCE, circle loss and the triplet loss on other-view descriptions.
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

        public init() {}
    }

    public let configuration: Configuration
    public var trajectory: TrajectoryEncoder
    public var trackHead: ProjectionHead
    public var textHead: ProjectionHead
    /// CLIP's learnable log-scale of the logits, a scalar (shape []).
    public var logitScale: Tensor
    private let normalize = L2Normalize()

    /// The largest log-scale, log 100, where CLIP clamps it.
    public static let maximumLogScale = Float(Foundation.log(100.0))

    /// Weights drawn from `seed` with PyTorch's default initialisations, in the order trajectory, track head, text head.
    public init(configuration: Configuration = Configuration(), seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let c = configuration
        self.configuration = c
        trajectory = TrajectoryEncoder(features: c.trajectoryFeatures, channels: c.channels, kernel: c.kernel, generator: &generator)
        trackHead = ProjectionHead(inFeatures: 2 * c.channels, hidden: c.hidden, outFeatures: c.embedding, dropout: c.dropout, generator: &generator)
        textHead = ProjectionHead(inFeatures: c.textFeatures, hidden: c.hidden, outFeatures: c.embedding, dropout: c.dropout, generator: &generator)
        logitScale = Tensor(shape: [], data: [SymmetricInfoNCE.initialLogScale])
    }

    public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
        try trajectory.visitParameters(prefix + "trajectory.", body)
        try trackHead.visitParameters(prefix + "track_head.", body)
        try textHead.visitParameters(prefix + "text_head.", body)
        try body(prefix + "logit_scale", &logitScale)
    }

    public struct Gradients: Parameterized {
        public var trajectory: TrajectoryEncoder.Gradients
        public var trackHead: ProjectionHead.Gradients
        public var textHead: ProjectionHead.Gradients
        public var logitScale: Tensor

        public mutating func visitParameters(_ prefix: String, _ body: (String, inout Tensor) throws -> Void) rethrows {
            try trajectory.visitParameters(prefix + "trajectory.", body)
            try trackHead.visitParameters(prefix + "track_head.", body)
            try textHead.visitParameters(prefix + "text_head.", body)
            try body(prefix + "logit_scale", &logitScale)
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

    /// Unit track embeddings [batch × embedding] of trajectories [batch × time × features], without dropout.
    public func embedTracks(_ trajectories: Tensor) -> Tensor {
        normalize.forward(trackHead(trajectory(trajectories))).output
    }

    /// Unit text embeddings [batch × embedding] of frozen sentence embeddings [batch × textFeatures], without dropout.
    public func embedTexts(_ texts: Tensor) -> Tensor {
        normalize.forward(textHead(texts)).output
    }

    /// The training losses of `batch` and their gradients, with dropout masks drawn from `generator`
    /// (the track head's first, then the text head's over the texts followed by the other views).
    public func lossAndGradients(_ batch: ContrastiveBatch, weights: LossWeights = LossWeights(),
                                 generator: inout SplitMix64) -> (losses: Losses, gradients: Gradients) {
        let n = batch.count, width = configuration.embedding
        let (features, trajectoryCache) = trajectory.forward(batch.trajectories)
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
        let (_, trajectoryGradients) = trajectory.backward(dFeatures, cache: trajectoryCache)

        let total = weights.infoNCE * infoNCE.loss + weights.circle * circle.loss + weights.triplet * triplet.loss
        return (Losses(infoNCE: infoNCE.loss, circle: circle.loss, triplet: triplet.loss, total: total),
                Gradients(trajectory: trajectoryGradients, trackHead: trackGradients, textHead: textGradients,
                          logitScale: Tensor(shape: [], data: [weights.infoNCE * infoNCE.logScale])))
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

    public var count: Int { texts.shape[0] }

    public init(trajectories: Tensor, texts: Tensor, otherViews: Tensor? = nil, hasOtherView: [Bool] = []) {
        precondition(trajectories.rank == 3 && texts.rank == 2 && trajectories.shape[0] == texts.shape[0],
                     "batch of trajectories \(trajectories.shape) and texts \(texts.shape)")
        precondition(otherViews.map { $0.shape == texts.shape && hasOtherView.count == texts.shape[0] } ?? hasOtherView.allSatisfy { !$0 },
                     "other views \(otherViews?.shape ?? []) with \(hasOtherView.count) flags for texts \(texts.shape)")
        self.trajectories = trajectories
        self.texts = texts
        self.otherViews = otherViews
        self.hasOtherView = otherViews == nil ? [] : hasOtherView
    }
}
