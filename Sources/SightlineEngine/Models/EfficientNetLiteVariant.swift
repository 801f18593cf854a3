/// The EfficientNet-Lite family (Tan & Le, 2019; TensorFlow `efficientnet_lite_builder.py`):
/// EfficientNet-B scaling without squeeze-excitation, with ReLU6 and a fixed stem and head.
public enum EfficientNetLiteVariant: String, Sendable, CaseIterable {
    case lite0, lite1, lite2

    /// Width multiplier, depth multiplier and input resolution of the variant.
    var scaling: (width: Double, depth: Double, resolution: Int) {
        switch self {
        case .lite0: (1.0, 1.0, 224)
        case .lite1: (1.0, 1.1, 240)
        case .lite2: (1.1, 1.2, 260)
        }
    }

    /// Square input side in pixels.
    public var inputSize: Int { scaling.resolution }

    /// One MBConv stage of the base network: repeats, kernel, stride, expansion, input and output filters.
    struct Stage {
        let repeats: Int, kernel: Int, stride: Int, expansion: Int, input: Int, output: Int
    }

    static let baseStages: [Stage] = [
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 1, input: 32, output: 16),
        Stage(repeats: 2, kernel: 3, stride: 2, expansion: 6, input: 16, output: 24),
        Stage(repeats: 2, kernel: 5, stride: 2, expansion: 6, input: 24, output: 40),
        Stage(repeats: 3, kernel: 3, stride: 2, expansion: 6, input: 40, output: 80),
        Stage(repeats: 3, kernel: 5, stride: 1, expansion: 6, input: 80, output: 112),
        Stage(repeats: 4, kernel: 5, stride: 2, expansion: 6, input: 112, output: 192),
        Stage(repeats: 1, kernel: 3, stride: 1, expansion: 6, input: 192, output: 320),
    ]

    /// Per-block (kernel, stride, expansion, input, output) after width and depth scaling;
    /// the first and last stages keep their repeats and the stem keeps 32 filters.
    var blocks: [(kernel: Int, stride: Int, expansion: Int, input: Int, output: Int)] {
        let stages = Self.baseStages
        var result: [(Int, Int, Int, Int, Int)] = []
        for (i, stage) in stages.enumerated() {
            let fixed = i == 0 || i == stages.count - 1
            let repeats = fixed ? stage.repeats : Int((scaling.depth * Double(stage.repeats)).rounded(.up))
            var input = i == 0 ? 32 : roundFilters(stage.input)
            let output = roundFilters(stage.output)
            for r in 0..<repeats {
                result.append((stage.kernel, r == 0 ? stage.stride : 1, stage.expansion, input, output))
                input = output
            }
        }
        return result
    }

    private func roundFilters(_ filters: Int) -> Int {
        let divisor = 8.0
        let scaled = Double(filters) * scaling.width
        var rounded = max(divisor, Double(Int(scaled + divisor / 2) / Int(divisor)) * divisor)
        if rounded < 0.9 * scaled { rounded += divisor }
        return Int(rounded)
    }
}
