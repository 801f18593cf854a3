/// The road-user classes a detector reports, named as COCO names them.
public enum DetectedClass: String, Sendable, Hashable, Codable, CaseIterable {
    case car, bus, truck, motorcycle

    /// The classes by their zero-based COCO index, as detectors and MOTChallenge files number them.
    public static let byCOCOIndex: [Int: DetectedClass] = [2: .car, 3: .motorcycle, 5: .bus, 7: .truck]

    /// The zero-based COCO index of the class.
    public var cocoIndex: Int {
        switch self {
        case .car: 2
        case .motorcycle: 3
        case .bus: 5
        case .truck: 7
        }
    }
}

/// One object found in one frame: its box in frame pixels, the detector's confidence and its class.
/// What a detector produces and a tracker consumes.
public struct Detection: Sendable, Hashable, Codable {
    public var box: Box
    public var score: Float
    public var label: DetectedClass

    public init(box: Box, score: Float, label: DetectedClass) {
        self.box = box
        self.score = score
        self.label = label
    }
}
