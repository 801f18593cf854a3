import SightlineData
import SightlineEngine
import Testing
@testable import SightlineLearning

/// Agreement with PyTorch (float64) on the weights, inputs and upstream gradients that
/// scripts/make-learning-fixtures.py stored: outputs, losses and every gradient within 1e-4 relative
/// (`relativeError`: entries near zero are judged against 1e-2 of the tensor's largest entry).
@Suite struct ParityTests {
    static let bound = 1e-4

    /// A layer's output and its input, weight and bias gradients against the fixture section.
    static func expectParity(_ f: [String: Any], output: Tensor, gradInput: Tensor, gradWeight: Tensor, gradBias: Tensor) throws {
        #expect(relativeError(output.data, try f.reference("output")) < bound)
        #expect(relativeError(gradInput.data, try f.reference("grad_input")) < bound)
        #expect(relativeError(gradWeight.data, try f.reference("grad_weight")) < bound)
        #expect(relativeError(gradBias.data, try f.reference("grad_bias")) < bound)
    }

    @Test func linear() throws {
        let f = try Fixture.section("linear")
        let layer = Linear(weight: try f.tensor("weight"), bias: try f.tensor("bias"))
        let (y, cache) = layer.forward(try f.tensor("input"))
        let (dx, grads) = layer.backward(try f.tensor("upstream"), cache: cache)
        try Self.expectParity(f, output: y, gradInput: dx, gradWeight: grads.weight, gradBias: grads.bias)
    }

    @Test func layerNorm() throws {
        let f = try Fixture.section("layer_norm")
        let layer = LayerNorm(weight: try f.tensor("weight"), bias: try f.tensor("bias"))
        let (y, cache) = layer.forward(try f.tensor("input"))
        let (dx, grads) = layer.backward(try f.tensor("upstream"), cache: cache)
        try Self.expectParity(f, output: y, gradInput: dx, gradWeight: grads.weight, gradBias: grads.bias)
    }

    @Test func gelu() throws {
        let f = try Fixture.section("gelu")
        let (y, cache) = GELU().forward(try f.tensor("input"))
        #expect(relativeError(y.data, try f.reference("output")) < Self.bound)
        #expect(relativeError(GELU().backward(try f.tensor("upstream"), cache: cache).data, try f.reference("grad_input")) < Self.bound)
    }

    @Test func dropoutMaskFromTheSameSeed() throws {
        let f = try Fixture.section("dropout")
        var generator = SplitMix64(seed: UInt64(try f.number("seed")))
        let layer = Dropout(probability: Float(try f.number("probability")))
        let (y, cache) = layer.forward(try f.tensor("input"), generator: &generator)
        #expect(relativeError(y.data, try f.reference("output")) < Self.bound)
        #expect(relativeError(layer.backward(try f.tensor("upstream"), cache: cache).data, try f.reference("grad_input")) < Self.bound)
    }

    @Test func conv1d() throws {
        let f = try Fixture.section("conv1d")
        let layer = Conv1d(weight: try f.tensor("weight"), bias: try f.tensor("bias"))
        let (y, cache) = layer.forward(try f.tensor("input"))
        let (dx, grads) = layer.backward(try f.tensor("upstream"), cache: cache)
        try Self.expectParity(f, output: y, gradInput: dx, gradWeight: grads.weight, gradBias: grads.bias)
    }

    @Test func temporalPooling() throws {
        let f = try Fixture.section("temporal_pooling")
        let (y, cache) = TemporalPooling().forward(try f.tensor("input"))
        #expect(relativeError(y.data, try f.reference("output")) < Self.bound)
        #expect(relativeError(TemporalPooling().backward(try f.tensor("upstream"), cache: cache).data, try f.reference("grad_input")) < Self.bound)
    }

    @Test func trajectoryEncoder() throws {
        let f = try Fixture.section("trajectory_encoder")
        let p = try f.section("parameters"), g = try f.section("grad_parameters")
        let encoder = TrajectoryEncoder(conv1: Conv1d(weight: try p.tensor("conv1.weight"), bias: try p.tensor("conv1.bias")),
                                        conv2: Conv1d(weight: try p.tensor("conv2.weight"), bias: try p.tensor("conv2.bias")))
        let (y, cache) = encoder.forward(try f.tensor("input"))
        let (dx, grads) = encoder.backward(try f.tensor("upstream"), cache: cache)
        #expect(relativeError(y.data, try f.reference("output")) < Self.bound)
        #expect(relativeError(dx.data, try f.reference("grad_input")) < Self.bound)
        for (name, tensor) in grads.namedParameters {
            #expect(relativeError(tensor.data, try g.reference(name)) < Self.bound, "\(name)")
        }
    }

    @Test func imageFusion() throws {
        let f = try Fixture.section("image_fusion")
        let p = try f.section("parameters")
        let configuration = try f.section("configuration")
        let fusion = ImageFusion(head: ProjectionHead(
            fc1: Linear(weight: try p.tensor("head.fc1.weight"), bias: try p.tensor("head.fc1.bias")),
            norm: LayerNorm(weight: try p.tensor("head.norm.weight"), bias: try p.tensor("head.norm.bias")),
            fc2: Linear(weight: try p.tensor("head.fc2.weight"), bias: try p.tensor("head.fc2.bias")),
            dropout: Dropout(probability: Float(try configuration.number("dropout")))))
        let present = try #require(f["present"] as? [Bool])
        var generator = SplitMix64(seed: UInt64(try f.number("seed")))
        let (y, cache) = fusion.forward(try f.tensor("features"), images: try f.tensor("images"), present: present, generator: &generator)
        #expect(relativeError(y.data, try f.reference("output")) < Self.bound)
        let (dFeatures, dImages, grads) = fusion.backward(try f.tensor("upstream"), cache: cache)
        #expect(relativeError(dFeatures.data, try f.reference("grad_features")) < Self.bound)
        #expect(relativeError(dImages.data, try f.reference("grad_images")) < Self.bound)
        let reference = try f.section("gradients")
        for (name, tensor) in grads.namedParameters {
            #expect(relativeError(tensor.data, try reference.reference(name)) < Self.bound, "\(name)")
        }
    }

    @Test func l2Normalize() throws {
        let f = try Fixture.section("l2_normalize")
        let (y, cache) = L2Normalize().forward(try f.tensor("input"))
        #expect(relativeError(y.data, try f.reference("output")) < Self.bound)
        #expect(relativeError(L2Normalize().backward(try f.tensor("upstream"), cache: cache).data, try f.reference("grad_input")) < Self.bound)
    }

    @Test func symmetricInfoNCE() throws {
        let f = try Fixture.section("info_nce")
        let result = SymmetricInfoNCE()(similarities: try f.tensor("similarities"), logScale: Float(try f.number("log_scale")))
        #expect(relativeError(result.loss, try f.number("loss")) < Self.bound)
        #expect(relativeError(result.similarities.data, try f.reference("grad_similarities")) < Self.bound)
        #expect(relativeError(result.logScale, try f.number("grad_log_scale")) < Self.bound)
    }

    @Test func circleLoss() throws {
        let f = try Fixture.section("circle")
        let result = CircleLoss(gamma: try f.number("gamma"), margin: try f.number("margin"))(similarities: try f.tensor("similarities"))
        #expect(relativeError(result.loss, try f.number("loss")) < Self.bound)
        #expect(relativeError(result.similarities.data, try f.reference("grad_similarities")) < Self.bound)
    }

    @Test func tripletLoss() throws {
        let f = try Fixture.section("triplet")
        let given = try #require(f["has_negative"] as? [Bool])
        let result = TripletLoss()(anchors: try f.tensor("anchors"), positives: try f.tensor("positives"),
                                   negatives: try f.tensor("negatives"), hasNegative: given)
        let hardest = try #require(f["hardest"] as? [Any]).map { $0 as? Int }
        #expect(result.hardest == hardest)
        #expect(relativeError(result.loss, try f.number("loss")) < Self.bound)
        #expect(relativeError(result.anchors.data, try f.reference("grad_anchors")) < Self.bound)
        #expect(relativeError(result.positives.data, try f.reference("grad_positives")) < Self.bound)
        #expect(relativeError(result.negatives.data, try f.reference("grad_negatives")) < Self.bound)
    }

    /// The small two-tower model end to end: the three losses, every parameter's gradient, the
    /// gradient norm, and the parameters after clipping and one AdamW step at the warm-up rate.
    @Test func twoTowersTrainingStep() throws {
        let f = try Fixture.section("two_towers")
        let c = try f.section("configuration")
        var configuration = TwoTowers.Configuration()
        configuration.trajectoryFeatures = try #require(c["trajectory_features"] as? Int)
        configuration.channels = try #require(c["channels"] as? Int)
        configuration.kernel = try #require(c["kernel"] as? Int)
        configuration.textFeatures = try #require(c["text_features"] as? Int)
        configuration.hidden = try #require(c["hidden"] as? Int)
        configuration.embedding = try #require(c["embedding"] as? Int)
        configuration.dropout = Float(try c.number("dropout"))
        var model = TwoTowers(configuration: configuration, seed: 0)
        let parameters = try f.section("parameters")
        try model.visitParameters("") { name, tensor in
            let stored = try parameters.tensor(name)
            #expect(stored.shape == tensor.shape, "\(name)")
            tensor = stored
        }
        #expect(model.namedParameters.count == parameters.count)
        let batch = ContrastiveBatch(trajectories: try f.tensor("trajectories"), texts: try f.tensor("texts"),
                                     otherViews: try f.tensor("other_views"),
                                     hasOtherView: try #require(f["has_other_view"] as? [Bool]))
        let seed = UInt64(try f.number("seed"))
        var generator = SplitMix64(seed: seed)
        let (losses, gradients) = model.lossAndGradients(batch, generator: &generator)
        let expected = try f.section("losses")
        #expect(relativeError(losses.infoNCE, try expected.number("info_nce")) < Self.bound)
        #expect(relativeError(losses.circle, try expected.number("circle")) < Self.bound)
        #expect(relativeError(losses.triplet, try expected.number("triplet")) < Self.bound)
        #expect(relativeError(losses.total, try expected.number("total")) < Self.bound)
        let expectedGradients = try f.section("gradients")
        for (name, tensor) in gradients.namedParameters {
            #expect(relativeError(tensor.data, try expectedGradients.reference(name)) < Self.bound, "gradient of \(name)")
        }

        let s = try f.section("schedule")
        let schedule = WarmupStepDecay(baseRate: Float(try s.number("base_rate")), warmupSteps: try #require(s["warmup_steps"] as? Int),
                                       decayEvery: try #require(s["decay_every"] as? Int), gamma: Float(try s.number("gamma")))
        #expect(relativeError(schedule.rate(at: 0), try f.number("learning_rate")) < 1e-7)
        var trainer = ContrastiveTrainer(model: model, schedule: schedule, maxGradientNorm: Float(try f.number("max_gradient_norm")), seed: seed)
        let (stepLosses, norm) = trainer.train(on: batch)
        #expect(stepLosses == losses)
        #expect(relativeError(norm, try f.number("gradient_norm")) < Self.bound)
        let after = try f.section("after_step")
        for (name, tensor) in trainer.model.namedParameters {
            #expect(relativeError(tensor.data, try after.reference(name)) < Self.bound, "\(name) after one step")
        }
    }
}
