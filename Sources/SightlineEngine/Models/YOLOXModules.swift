import SightlineEngineAVX512

/// One convolution of YOLOX with its batch norm already folded in by the ONNX export, padded by k/2 on every side
/// as PyTorch's `nn.Conv2d(padding=(k - 1) // 2)`, and followed by SiLU where it is a `BaseConv`.
struct YOLOXConv: Sendable {
    /// [out × in × k × k], or [channels × 1 × k × k] when depthwise.
    let weight: [Float]
    let bias: [Float]
    let inChannels: Int
    let outChannels: Int
    let kernel: Int
    let stride: Int
    let depthwise: Bool
    let silu: Bool
    /// The weight as the kernels read it: depthwise and dense in `ChannelsLastAVX512`'s layouts, which the portable
    /// kernels share; 1×1 in its 64-channel blocks for AVX-512, else [padded(out) × in] for SGEMM, the rows past
    /// `outChannels` zero so that the padded output channels come out zero as on AVX-512.
    let packed: [Float]
    /// The bias zero-padded to whole vectors.
    let paddedBias: [Float]

    init(weight: [Float], bias: [Float], inChannels: Int, outChannels: Int, kernel: Int, stride: Int,
         depthwise: Bool, silu: Bool, avx512: Bool) {
        self.weight = weight
        self.bias = bias
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.depthwise = depthwise
        self.silu = silu
        paddedBias = ChannelsLastAVX512.padBias(bias)
        packed = weight.withUnsafeBufferPointer { w in
            if depthwise { return ChannelsLastAVX512.packDepthwise(w.baseAddress!, channels: outChannels, kernel: kernel) }
            if kernel != 1 || stride != 1 {
                return ChannelsLastAVX512.packDense(w.baseAddress!, out: outChannels, in: inChannels, kernel: kernel)
            }
            if avx512 { return ChannelsLastAVX512.packPointwise(w.baseAddress!, n: outChannels, k: inChannels) }
            return weight + [Float](repeating: 0, count: (ChannelsLastAVX512.padded(outChannels) - outChannels) * inChannels)
        }
    }

    var padding: Int { kernel / 2 }
    /// Padded output channels: the row stride of a channels-last output.
    var paddedOut: Int { ChannelsLastAVX512.padded(outChannels) }

    func outputSize(_ size: Int) -> Int { (size + 2 * padding - kernel) / stride + 1 }
}

/// YOLOX's `DWConv`: a depthwise k×k `BaseConv` then a pointwise one (MobileNet's separable convolution).
struct DWConv: Sendable {
    let dconv: YOLOXConv
    let pconv: YOLOXConv
}

/// A YOLOX `Bottleneck` with `depthwise=True`: 1×1 `BaseConv`, 3×3 `DWConv`, and the input added when `shortcut`.
struct Bottleneck: Sendable {
    let conv1: YOLOXConv
    let conv2: DWConv
    let shortcut: Bool
}

/// The CSP block of CSPNet (Wang et al., 2020) as YOLOX writes it: two 1×1 branches, bottlenecks on the first,
/// their concatenation fused by `conv3`.
struct CSPLayer: Sendable {
    let conv1: YOLOXConv
    let conv2: YOLOXConv
    let m: [Bottleneck]
    let conv3: YOLOXConv
    var hidden: Int { conv1.outChannels }
}

/// Spatial pyramid pooling (He et al., 2014) as in YOLOv3-SPP: 1×1 conv, max pools of 5, 9 and 13 concatenated
/// with their input, 1×1 conv.
struct SPPBottleneck: Sendable {
    let conv1: YOLOXConv
    let conv2: YOLOXConv
    static let kernels = [5, 9, 13]
}

/// YOLOX's `Focus`: space-to-depth of 2×2 pixel blocks into 12 channels, then a 3×3 `BaseConv`.
struct Focus: Sendable {
    let conv: YOLOXConv
}

/// One backbone stage: a stride-2 `DWConv`, optionally SPP, then a CSP layer.
struct DarkStage: Sendable {
    let downsample: DWConv
    let spp: SPPBottleneck?
    let csp: CSPLayer
}

/// YOLOX's CSPDarknet backbone; `dark3`, `dark4` and `dark5` feed the feature pyramid.
struct CSPDarknet: Sendable {
    let stem: Focus
    let dark2: DarkStage
    let dark3: DarkStage
    let dark4: DarkStage
    let dark5: DarkStage
}

/// YOLOX's `YOLOPAFPN`: the top-down FPN (Lin et al., 2017) and bottom-up PAN (Liu et al., 2018) over the backbone.
struct YOLOPAFPN: Sendable {
    let backbone: CSPDarknet
    let lateralConv0: YOLOXConv
    let c3p4: CSPLayer
    let reduceConv1: YOLOXConv
    let c3p3: CSPLayer
    let buConv2: DWConv
    let c3n3: CSPLayer
    let buConv1: DWConv
    let c3n4: CSPLayer
}

/// One level of YOLOX's decoupled head: a 1×1 stem, then a classification branch and a regression branch, the
/// latter predicting box offsets and objectness (here one 5-output convolution: 4 box values, then objectness).
struct YOLOXHeadLevel: Sendable {
    let stem: YOLOXConv
    let clsConvs: [DWConv]
    let regConvs: [DWConv]
    let clsPred: YOLOXConv
    let regObjPred: YOLOXConv
    let stride: Int
}

/// The whole YOLOX-Nano network with its weights.
struct YOLOXNetwork: Sendable {
    let fpn: YOLOPAFPN
    let head: [YOLOXHeadLevel]
    let classes: Int
    let avx512: Bool
}
