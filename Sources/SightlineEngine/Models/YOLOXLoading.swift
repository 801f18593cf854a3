import SightlineWeightFiles

/// Builds YOLOX-Nano's modules from the ONNX export of Megvii's reference model, strictly: the export names its
/// folded convolutions by number, so each module takes the next `Conv` node in graph order and checks its kernel,
/// stride, padding, groups, weight shapes and SiLU; the constants of the Focus slices, the upsampling and the output
/// reshape are checked for the values the forward pass assumes. A missing, extra or differently shaped weight, or a
/// node the network does not have, is an error naming the file and the tensor or node.
struct YOLOXGraphReader {
    private var initializers: [String: ONNXModel.Initializer]
    private let convolutions: [ONNXModel.Node]
    private let nodes: [ONNXModel.Node]
    private let consumers: [String: [ONNXModel.Node]]
    private var next = 0
    private var constants: Set<String> = []
    let path: String
    let avx512: Bool

    init(_ model: ONNXModel, path: String, avx512: Bool) {
        initializers = model.initializers
        nodes = model.nodes
        convolutions = model.nodes.filter { $0.opType == "Conv" }
        var consumers: [String: [ONNXModel.Node]] = [:]
        for node in model.nodes {
            for input in node.inputs { consumers[input, default: []].append(node) }
        }
        self.consumers = consumers
        self.path = path
        self.avx512 = avx512
    }

    private func structure(_ reason: String) -> WeightFileError {
        .unsupportedFormat(path: path, reason: reason)
    }

    /// Removes and returns float initializer `name` of shape `shape`.
    private mutating func take(_ name: String, shape: [Int]) throws -> [Float] {
        guard let value = initializers.removeValue(forKey: name) else {
            throw WeightFileError.missingKey(path: path, key: name)
        }
        guard case .float(let tensor) = value else { throw structure("initializer \(name) is not float32") }
        guard tensor.shape == shape else {
            throw WeightFileError.shapeMismatch(path: path, key: name, expected: shape, found: tensor.shape)
        }
        return tensor.data
    }

    /// The value of constant `name`, which several glue nodes may share; `finish` removes the constants read.
    private mutating func constant(_ name: String) throws -> ONNXModel.Initializer {
        guard let value = initializers[name] else { throw WeightFileError.missingKey(path: path, key: name) }
        constants.insert(name)
        return value
    }

    private mutating func constantInts(_ name: String) throws -> [Int64] {
        guard case .int64(_, let values) = try constant(name) else { throw structure("initializer \(name) is not int64") }
        return values
    }

    private mutating func constantFloats(_ name: String) throws -> [Float] {
        guard case .float(let tensor) = try constant(name) else { throw structure("initializer \(name) is not float32") }
        return tensor.data
    }

    private func ints(_ node: ONNXModel.Node, _ name: String) -> [Int64]? {
        if case .ints(let values) = node.attributes[name] { return values }
        return nil
    }

    /// The next `Conv` node as a folded convolution of the given geometry.
    mutating func conv(_ inChannels: Int, _ outChannels: Int, kernel: Int = 1, stride: Int = 1,
                       depthwise: Bool = false, silu: Bool = true) throws -> YOLOXConv {
        guard next < convolutions.count else {
            throw structure("the graph has \(convolutions.count) Conv nodes; YOLOX-Nano has more")
        }
        let node = convolutions[next]
        next += 1
        let k = Int64(kernel), s = Int64(stride), p = Int64(kernel / 2)
        let groups: Int64 = if case .int(let g) = node.attributes["group"] { g } else { 1 }
        let expected = "kernel \(kernel), stride \(stride), padding \(kernel / 2), groups \(depthwise ? outChannels : 1)"
        guard ints(node, "kernel_shape") == [k, k], ints(node, "strides") ?? [1, 1] == [s, s],
              ints(node, "pads") ?? [0, 0, 0, 0] == [p, p, p, p], ints(node, "dilations") ?? [1, 1] == [1, 1],
              groups == (depthwise ? Int64(outChannels) : 1), node.inputs.count == 3 else {
            throw structure("Conv node \(node.name) (weight \(node.inputs.dropFirst().first ?? "none")) is not a convolution with \(expected)")
        }
        let weight = try take(node.inputs[1], shape: [outChannels, depthwise ? 1 : inChannels, kernel, kernel])
        let bias = try take(node.inputs[2], shape: [outChannels])
        if silu {
            let output = node.outputs.first ?? ""
            let sigmoid = consumers[output, default: []].first { $0.opType == "Sigmoid" }
            let product = consumers[output, default: []].first {
                $0.opType == "Mul" && Set($0.inputs) == [output, sigmoid?.outputs.first ?? ""]
            }
            guard sigmoid != nil, product != nil else { throw structure("Conv node \(node.name) is not followed by SiLU") }
        }
        return YOLOXConv(weight: weight, bias: bias, inChannels: inChannels, outChannels: outChannels, kernel: kernel,
                         stride: stride, depthwise: depthwise, silu: silu, avx512: avx512)
    }

    mutating func dwConv(_ inChannels: Int, _ outChannels: Int, stride: Int = 1) throws -> DWConv {
        DWConv(dconv: try conv(inChannels, inChannels, kernel: 3, stride: stride, depthwise: true),
               pconv: try conv(inChannels, outChannels))
    }

    mutating func csp(_ inChannels: Int, _ outChannels: Int, depth: Int, shortcut: Bool) throws -> CSPLayer {
        let hidden = outChannels / 2
        let conv1 = try conv(inChannels, hidden)
        let conv2 = try conv(inChannels, hidden)
        var m: [Bottleneck] = []
        for _ in 0..<depth {
            m.append(Bottleneck(conv1: try conv(hidden, hidden), conv2: try dwConv(hidden, hidden), shortcut: shortcut))
        }
        return CSPLayer(conv1: conv1, conv2: conv2, m: m, conv3: try conv(2 * hidden, outChannels))
    }

    /// YOLOX-Nano: width 0.25, depth 0.33, depthwise convolutions, 80 COCO classes, strides 8, 16 and 32.
    mutating func nano(classes: Int = 80) throws -> YOLOXNetwork {
        let c = 16, depth = 1
        let stem = Focus(conv: try conv(12, c, kernel: 3))
        let dark2 = DarkStage(downsample: try dwConv(c, 2 * c, stride: 2), spp: nil,
                              csp: try csp(2 * c, 2 * c, depth: depth, shortcut: true))
        let dark3 = DarkStage(downsample: try dwConv(2 * c, 4 * c, stride: 2), spp: nil,
                              csp: try csp(4 * c, 4 * c, depth: 3 * depth, shortcut: true))
        let dark4 = DarkStage(downsample: try dwConv(4 * c, 8 * c, stride: 2), spp: nil,
                              csp: try csp(8 * c, 8 * c, depth: 3 * depth, shortcut: true))
        let down5 = try dwConv(8 * c, 16 * c, stride: 2)
        let spp = SPPBottleneck(conv1: try conv(16 * c, 8 * c), conv2: try conv(32 * c, 16 * c))
        let dark5 = DarkStage(downsample: down5, spp: spp, csp: try csp(16 * c, 16 * c, depth: depth, shortcut: false))
        let backbone = CSPDarknet(stem: stem, dark2: dark2, dark3: dark3, dark4: dark4, dark5: dark5)
        let lateral = try conv(16 * c, 8 * c)
        let c3p4 = try csp(16 * c, 8 * c, depth: depth, shortcut: false)
        let reduce = try conv(8 * c, 4 * c)
        let c3p3 = try csp(8 * c, 4 * c, depth: depth, shortcut: false)
        let bu2 = try dwConv(4 * c, 4 * c, stride: 2)
        let c3n3 = try csp(8 * c, 8 * c, depth: depth, shortcut: false)
        let bu1 = try dwConv(8 * c, 8 * c, stride: 2)
        let c3n4 = try csp(16 * c, 16 * c, depth: depth, shortcut: false)
        let fpn = YOLOPAFPN(backbone: backbone, lateralConv0: lateral, c3p4: c3p4, reduceConv1: reduce, c3p3: c3p3,
                            buConv2: bu2, c3n3: c3n3, buConv1: bu1, c3n4: c3n4)
        let headWidth = 64
        var head: [YOLOXHeadLevel] = []
        for (inChannels, stride) in [(4 * c, 8), (8 * c, 16), (16 * c, 32)] {
            let stem = try conv(inChannels, headWidth)
            let cls = [try dwConv(headWidth, headWidth), try dwConv(headWidth, headWidth)]
            let clsPred = try conv(headWidth, classes, silu: false)
            let reg = [try dwConv(headWidth, headWidth), try dwConv(headWidth, headWidth)]
            let regPred = try conv(headWidth, 4, silu: false)
            let objPred = try conv(headWidth, 1, silu: false)
            let merged = YOLOXConv(weight: regPred.weight + objPred.weight, bias: regPred.bias + objPred.bias,
                                   inChannels: headWidth, outChannels: 5, kernel: 1, stride: 1, depthwise: false,
                                   silu: false, avx512: avx512)
            head.append(YOLOXHeadLevel(stem: stem, clsConvs: cls, regConvs: reg, clsPred: clsPred, regObjPred: merged,
                                       stride: stride))
        }
        try finish()
        return YOLOXNetwork(fpn: fpn, head: head, classes: classes, avx512: avx512)
    }

    /// Checks that every Conv node was used, takes the constants of the glue nodes after checking them, and throws
    /// for any initializer left over.
    private mutating func finish() throws {
        if next < convolutions.count {
            throw structure("Conv node \(convolutions[next].name) is not part of YOLOX-Nano")
        }
        try checkFocus()
        for node in nodes {
            switch node.opType {
            case "Resize":
                guard node.inputs.count >= 3, case .string("nearest") = node.attributes["mode"] else {
                    throw structure("Resize node \(node.name) is not a nearest-neighbour upsampling")
                }
                if !node.inputs[1].isEmpty { _ = try constantFloats(node.inputs[1]) }
                guard try constantFloats(node.inputs[2]) == [1, 1, 2, 2] else {
                    throw structure("Resize node \(node.name) does not upsample by 2")
                }
            case "Reshape":
                guard node.inputs.count == 2, try constantInts(node.inputs[1]) == [1, 85, -1] else {
                    throw structure("Reshape node \(node.name) does not flatten a level to [1, 85, positions]")
                }
            case "Conv", "Sigmoid", "Mul", "Add", "Concat", "MaxPool", "Transpose", "Slice": continue
            default: throw structure("node \(node.name) has operator \(node.opType), which YOLOX-Nano does not use")
            }
        }
        for name in constants { initializers.removeValue(forKey: name) }
        if let extra = initializers.keys.sorted().first {
            throw WeightFileError.unexpectedKey(path: path, key: extra)
        }
    }

    /// The Focus slices: the concatenation before the first Conv must take (even rows, even columns), (odd, even),
    /// (even, odd), (odd, odd) of the image, in that order, as YOLOX's `Focus.forward` does.
    private mutating func checkFocus() throws {
        guard let first = convolutions.first,
              let concat = nodes.first(where: { $0.opType == "Concat" && $0.outputs.first == first.inputs.first }),
              concat.inputs.count == 4 else {
            throw structure("the first Conv does not read the Focus concatenation of four slices")
        }
        let producers = Dictionary(nodes.flatMap { node in node.outputs.map { ($0, node) } }, uniquingKeysWith: { a, _ in a })
        var found: [[Int64]] = []
        for input in concat.inputs {
            var offsets: [Int64: Int64] = [:]
            var value = input
            while let slice = producers[value], slice.opType == "Slice" {
                guard slice.inputs.count == 5 else { throw structure("Slice node \(slice.name) lacks axes or steps") }
                let starts = try constantInts(slice.inputs[1]), ends = try constantInts(slice.inputs[2])
                let axes = try constantInts(slice.inputs[3]), steps = try constantInts(slice.inputs[4])
                guard starts.count == 1, ends.count == 1, axes.count == 1, steps == [2], ends[0] >= 1 << 31,
                      axes[0] == 2 || axes[0] == 3, offsets[axes[0]] == nil else {
                    throw structure("Slice node \(slice.name) is not a stride-2 slice of rows or columns")
                }
                offsets[axes[0]] = starts[0]
                value = slice.inputs[0]
            }
            found.append([offsets[2] ?? -1, offsets[3] ?? -1])
        }
        guard found == [[0, 0], [1, 0], [0, 1], [1, 1]] else {
            throw structure("the Focus slices take row and column offsets \(found), not YOLOX's [[0, 0], [1, 0], [0, 1], [1, 1]]")
        }
    }
}
