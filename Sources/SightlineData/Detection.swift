/// The road-user classes a detector reports, named as COCO names them.
public enum DetectedClass: String, Sendable, Hashable, Codable, CaseIterable {
    case car, bus, truck, motorcycle
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
