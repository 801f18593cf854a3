import SightlineData
import SightlineEngine
import Testing
@testable import SightlineLearning

/// Every backward pass against central finite differences of the forward pass. The layers compute in
/// `Float`, so the objective Σ y·r is summed in `Double` and the step is 1e-2 (1e-3 for the losses
/// with γ = 48); the bound is a relative error (see `relativeError`) of 1e-2 for the layers and 2e-3
/// for the losses, which compute in `Double` but return a `Float` loss (5e-3 for the circle loss, whose
/// γ = 48 makes its value large, so its `Float` rounding weighs more in the difference quotient).
@Suite struct GradientCheckTests {
    static let layerBound = 1e-2
    static let lossBound = 2e-3
    static let circleBound = 5e-3

    @Test func linear() {
        var generator = SplitMix64(seed: 1)
        let layer = Linear(inFeatures: 7, outFeatures: 5, generator: &generator)
        let x = random([2, 3, 7], seed: 2), r = random([2, 3, 5], seed: 3)
        let (y, cache) = layer.forward(x)
        #expect(y.shape == [2, 3, 5])
        let (dx, grads) = layer.backward(r, cache: cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(layer.forward($0).output, onto: r) }) < Self.layerBound)
        #expect(relativeError(grads.weight.data, numericalGradient(layer.weight, step: 1e-2) {
            projection(Linear(weight: $0, bias: layer.bias).forward(x).output, onto: r)
        }) < Self.layerBound)
        #expect(relativeError(grads.bias.data, numericalGradient(layer.bias, step: 1e-2) {
            projection(Linear(weight: layer.weight, bias: $0).forward(x).output, onto: r)
        }) < Self.layerBound)
    }

    @Test func layerNorm() {
        let layer = LayerNorm(weight: random([9], seed: 4), bias: random([9], seed: 5))
        let x = random([4, 9], scale: 2, seed: 6), r = random([4, 9], seed: 7)
        let (dx, grads) = layer.backward(r, cache: layer.forward(x).cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(layer.forward($0).output, onto: r) }) < Self.layerBound)
        #expect(relativeError(grads.weight.data, numericalGradient(layer.weight, step: 1e-2) {
            projection(LayerNorm(weight: $0, bias: layer.bias).forward(x).output, onto: r)
        }) < Self.layerBound)
        #expect(relativeError(grads.bias.data, numericalGradient(layer.bias, step: 1e-2) {
            projection(LayerNorm(weight: layer.weight, bias: $0).forward(x).output, onto: r)
        }) < Self.layerBound)
    }

    @Test func gelu() {
        let layer = GELU()
        let x = random([3, 11], scale: 4, seed: 8), r = random([3, 11], seed: 9)
        let dx = layer.backward(r, cache: layer.forward(x).cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(layer.forward($0).output, onto: r) }) < Self.layerBound)
    }

    @Test func dropoutScalesKeptElementsAndRoutesTheirGradient() {
        let layer = Dropout(probability: 0.25)
        let x = random([8, 50], seed: 10), r = random([8, 50], seed: 11)
        var generator = SplitMix64(seed: 12)
        let (y, cache) = layer.forward(x, generator: &generator)
        let kept = zip(x.data, y.data).filter { $1 != 0 }
        #expect(kept.allSatisfy { abs($1 - $0 / 0.75) <= 1e-6 * abs($0) })
        #expect(abs(Double(kept.count) / Double(x.count) - 0.75) < 0.06)
        let dx = layer.backward(r, cache: cache)
        let numeric = numericalGradient(x, step: 1e-2) { x in
            var again = SplitMix64(seed: 12)
            return projection(layer.forward(x, generator: &again).output, onto: r)
        }
        #expect(relativeError(dx.data, numeric) < Self.layerBound)
        var other = SplitMix64(seed: 13)
        #expect(layer.forward(x, generator: &other).output != y)
    }

    @Test func conv1d() {
        var generator = SplitMix64(seed: 14)
        let layer = Conv1d(inChannels: 3, outChannels: 4, kernel: 5, generator: &generator)
        let x = random([2, 6, 3], seed: 15), r = random([2, 6, 4], seed: 16)
        let (dx, grads) = layer.backward(r, cache: layer.forward(x).cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(layer.forward($0).output, onto: r) }) < Self.layerBound)
        #expect(relativeError(grads.weight.data, numericalGradient(layer.weight, step: 1e-2) {
            projection(Conv1d(weight: $0, bias: layer.bias).forward(x).output, onto: r)
        }) < Self.layerBound)
        #expect(relativeError(grads.bias.data, numericalGradient(layer.bias, step: 1e-2) {
            projection(Conv1d(weight: layer.weight, bias: $0).forward(x).output, onto: r)
        }) < Self.layerBound)
    }

    @Test func temporalPooling() {
        let layer = TemporalPooling()
        let x = separated([3, 5, 4], seed: 17), r = random([3, 8], seed: 18)
        let dx = layer.backward(r, cache: layer.forward(x).cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(layer.forward($0).output, onto: r) }) < Self.layerBound)
    }

    @Test func trajectoryEncoder() {
        var generator = SplitMix64(seed: 19)
        let encoder = TrajectoryEncoder(features: 3, channels: 4, kernel: 3, generator: &generator)
        let x = random([2, 7, 3], scale: 2, seed: 20), r = random([2, 8], seed: 21)
        let (dx, grads) = encoder.backward(r, cache: encoder.forward(x).cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-3) { projection(encoder.forward($0).output, onto: r) }) < Self.layerBound)
        var changed = encoder
        let numeric = numericalGradient(encoder.conv1.weight, step: 1e-3) {
            changed.conv1.weight = $0
            return projection(changed.forward(x).output, onto: r)
        }
        #expect(relativeError(grads.conv1.weight.data, numeric) < Self.layerBound)
    }

    @Test func projectionHeadWithDropout() {
        var generator = SplitMix64(seed: 22)
        let head = ProjectionHead(inFeatures: 6, hidden: 9, outFeatures: 4, dropout: 0.2, generator: &generator)
        let x = random([5, 6], seed: 23), r = random([5, 4], seed: 24)
        let output = { (head: ProjectionHead, x: Tensor) -> Tensor in
            var masks = SplitMix64(seed: 25)
            return head.forward(x, generator: &masks).output
        }
        var masks = SplitMix64(seed: 25)
        let (dx, grads) = head.backward(r, cache: head.forward(x, generator: &masks).cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(output(head, $0), onto: r) }) < Self.layerBound)
        var changed = head
        let numeric = numericalGradient(head.fc1.weight, step: 1e-2) {
            changed.fc1.weight = $0
            return projection(output(changed, x), onto: r)
        }
        #expect(relativeError(grads.fc1.weight.data, numeric) < Self.layerBound)
    }

    @Test func imageFusionAddsTheProjectedImageOnlyWhereThereIsOne() {
        var generator = SplitMix64(seed: 50)
        let fusion = ImageFusion(inFeatures: 6, hidden: 8, outFeatures: 4, dropout: 0.2, generator: &generator)
        let features = random([3, 4], seed: 51), images = random([3, 6], seed: 52), r = random([3, 4], seed: 53)
        let present = [true, false, true]
        let output = { (fusion: ImageFusion, features: Tensor, images: Tensor) -> Tensor in
            var masks = SplitMix64(seed: 54)
            return fusion.forward(features, images: images, present: present, generator: &masks).output
        }
        var masks = SplitMix64(seed: 54)
        let (y, cache) = fusion.forward(features, images: images, present: present, generator: &masks)
        #expect(Array(y.data[4..<8]) == Array(features.data[4..<8]))
        #expect(fusion(features, images: images, present: [false, false, false]) == features)
        let (dFeatures, dImages, grads) = fusion.backward(r, cache: cache)
        #expect(dFeatures == r)
        #expect(dImages.data[6..<12].allSatisfy { $0 == 0 })
        #expect(relativeError(dImages.data, numericalGradient(images, step: 1e-2) { projection(output(fusion, features, $0), onto: r) }) < Self.layerBound)
        #expect(relativeError(dFeatures.data, numericalGradient(features, step: 1e-2) { projection(output(fusion, $0, images), onto: r) }) < Self.layerBound)
        var changed = fusion
        for name in ["head.fc1.weight", "head.norm.bias", "head.fc2.weight", "head.fc2.bias"] {
            let analytic = grads.namedParameters.first { $0.name == name }!.tensor
            let parameter = fusion.namedParameters.first { $0.name == name }!.tensor
            let numeric = numericalGradient(parameter, step: 1e-2) { value in
                changed.visitParameters("") { n, t in if n == name { t = value } }
                return projection(output(changed, features, images), onto: r)
            }
            changed = fusion
            #expect(relativeError(analytic.data, numeric) < Self.layerBound, "\(name)")
        }
    }

    @Test func l2Normalize() {
        let layer = L2Normalize()
        let x = random([4, 6], seed: 26), r = random([4, 6], seed: 27)
        let (y, cache) = layer.forward(x)
        for row in 0..<4 {
            #expect(abs(y.data[(row * 6)..<(row * 6 + 6)].reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        }
        let dx = layer.backward(r, cache: cache)
        #expect(relativeError(dx.data, numericalGradient(x, step: 1e-2) { projection(layer.forward($0).output, onto: r) }) < Self.layerBound)
    }

    @Test func similarityMatrix() {
        let a = random([4, 5], seed: 28), b = random([3, 5], seed: 29), r = random([4, 3], seed: 30)
        let (da, db) = SimilarityMatrix.backward(r, a, b)
        #expect(relativeError(da.data, numericalGradient(a, step: 1e-2) { projection(SimilarityMatrix.forward($0, b), onto: r) }) < Self.layerBound)
        #expect(relativeError(db.data, numericalGradient(b, step: 1e-2) { projection(SimilarityMatrix.forward(a, $0), onto: r) }) < Self.layerBound)
    }

    /// Cosine similarities of 8 unit pairs, each track nearer its own text than chance.
    static func similarities(seed: UInt64) -> Tensor {
        let normalize = L2Normalize()
        let a = random([8, 6], seed: seed)
        var b = random([8, 6], seed: seed + 1)
        for k in b.data.indices { b.data[k] += a.data[k] }
        return SimilarityMatrix.forward(normalize.forward(a).output, normalize.forward(b).output)
    }

    @Test func symmetricInfoNCE() {
        let s = Self.similarities(seed: 31), loss = SymmetricInfoNCE()
        let result = loss(similarities: s, logScale: SymmetricInfoNCE.initialLogScale)
        #expect(relativeError(result.similarities.data, numericalGradient(s, step: 1e-3) {
            Double(loss(similarities: $0, logScale: SymmetricInfoNCE.initialLogScale).loss)
        }) < Self.lossBound)
        let h: Float = 1e-2
        let numeric = (Double(loss(similarities: s, logScale: SymmetricInfoNCE.initialLogScale + h).loss)
            - Double(loss(similarities: s, logScale: SymmetricInfoNCE.initialLogScale - h).loss)) / Double(2 * h)
        #expect(relativeError(result.logScale, numeric) < Self.lossBound)
    }

    /// α_p and α_n are constants of the gradient (as in the authors' code), so the check differentiates
    /// with them held at the point of evaluation.
    @Test func circleLoss() {
        let s = Self.similarities(seed: 33), loss = CircleLoss()
        #expect(loss.gamma == 48 && loss.margin == 0.35)
        let result = loss(similarities: s)
        #expect(result.loss > 0)
        let numeric = numericalGradient(s, step: 1e-3) { Double(loss.evaluate($0, weightsFrom: s).loss) }
        #expect(relativeError(result.similarities.data, numeric) < Self.circleBound)
    }

    @Test func tripletLossWithGivenAndHardestNegatives() {
        let normalize = L2Normalize()
        let a = normalize.forward(random([6, 5], seed: 35)).output
        let p = normalize.forward(random([6, 5], seed: 36)).output
        let n = normalize.forward(random([6, 5], seed: 37)).output
        let given = [true, false, true, false, false, true]
        let loss = TripletLoss()
        let result = loss(anchors: a, positives: p, negatives: n, hasNegative: given)
        #expect(result.hardest.enumerated().allSatisfy { i, j in given[i] == (j == nil) && j != i })
        let value = { (a: Tensor, p: Tensor, n: Tensor) in Double(loss(anchors: a, positives: p, negatives: n, hasNegative: given).loss) }
        #expect(relativeError(result.anchors.data, numericalGradient(a, step: 1e-2) { value($0, p, n) }) < Self.lossBound)
        #expect(relativeError(result.positives.data, numericalGradient(p, step: 1e-2) { value(a, $0, n) }) < Self.lossBound)
        #expect(relativeError(result.negatives.data, numericalGradient(n, step: 1e-2) { value(a, p, $0) }) < Self.lossBound)
        for i in given.indices where !given[i] {
            #expect(result.negatives.data[(i * 5)..<(i * 5 + 5)].allSatisfy { $0 == 0 })
        }
    }

    @Test func tripletLossWithoutGivenNegativesPicksTheNearestOtherText() {
        let a = Tensor(shape: [3, 2], data: [1, 0, 0, 1, -1, 0])
        let p = Tensor(shape: [3, 2], data: [0, 1, 0.9, 0.1, 0, -1])
        let result = TripletLoss()(anchors: a, positives: p)
        #expect(result.hardest == [1, 0, 0])
        #expect(result.negatives.count == 0)
    }

    /// Towers small enough for finite differences.
    static func tinyTowers(imageFeatures: Int = 0) -> TwoTowers.Configuration {
        var configuration = TwoTowers.Configuration()
        configuration.trajectoryFeatures = 3
        configuration.channels = 4
        configuration.kernel = 3
        configuration.textFeatures = 6
        configuration.hidden = 7
        configuration.embedding = 5
        configuration.imageFeatures = imageFeatures
        return configuration
    }

    /// InfoNCE and the triplet loss through both towers (the circle loss's detached weights are not a
    /// gradient of its value; `ParityTests` checks it through the towers against PyTorch's autograd).
    @Test func twoTowersLossAndGradients() {
        let model = TwoTowers(configuration: Self.tinyTowers(), seed: 38)
        let batch = ContrastiveBatch(trajectories: random([5, 6, 3], seed: 39), texts: random([5, 6], seed: 40),
                                     otherViews: random([5, 6], seed: 41), hasOtherView: [true, false, true, false, false])
        let weights = TwoTowers.LossWeights(circle: 0)
        let total = { (model: TwoTowers) -> Double in
            var masks = SplitMix64(seed: 42)
            return Double(model.lossAndGradients(batch, weights: weights, generator: &masks).losses.total)
        }
        var masks = SplitMix64(seed: 42)
        let gradients = model.lossAndGradients(batch, weights: weights, generator: &masks).gradients.namedParameters
        Self.expectGradients(of: model, gradients, named: ["text_head.fc1.weight", "trajectory.conv2.bias", "track_head.norm.weight", "logit_scale"],
                             step: 1e-3, total: total)
    }

    /// The analytic gradients of the named parameters of `model` against central differences of `total`.
    static func expectGradients(of model: TwoTowers, _ gradients: [(name: String, tensor: Tensor)], named names: [String],
                                step: Float, total: (TwoTowers) -> Double, sourceLocation: SourceLocation = #_sourceLocation) {
        var changed = model
        for name in names {
            let analytic = gradients.first { $0.name == name }!.tensor
            let parameter = model.namedParameters.first { $0.name == name }!.tensor
            let numeric = numericalGradient(parameter, step: step) { value in
                changed.visitParameters("") { n, t in if n == name { t = value } }
                return total(changed)
            }
            changed = model
            #expect(relativeError(analytic.data, numeric) < 3e-2, "\(name)", sourceLocation: sourceLocation)
        }
    }

    /// InfoNCE through both towers and the image branch: a batch where some tracks have image features.
    @Test func twoTowersWithImagesLossAndGradients() {
        let model = TwoTowers(configuration: Self.tinyTowers(imageFeatures: 8), seed: 60)
        let batch = ContrastiveBatch(trajectories: random([5, 6, 3], seed: 61), texts: random([5, 6], seed: 62),
                                     images: random([5, 8], seed: 63), hasImage: [true, true, false, true, false])
        // InfoNCE alone: without other views the triplet's in-batch hardest negative can switch under a step.
        let weights = TwoTowers.LossWeights(circle: 0, triplet: 0)
        let total = { (model: TwoTowers) -> Double in
            var masks = SplitMix64(seed: 64)
            return Double(model.lossAndGradients(batch, weights: weights, generator: &masks).losses.total)
        }
        var masks = SplitMix64(seed: 64)
        let gradients = model.lossAndGradients(batch, weights: weights, generator: &masks).gradients.namedParameters
        #expect(gradients.map(\.name) == model.namedParameters.map(\.name))
        Self.expectGradients(of: model, gradients, named: ["image.head.fc1.weight", "image.head.fc2.bias", "trajectory.conv1.weight", "track_head.fc1.weight"],
                             step: 3e-3, total: total)
    }
}
