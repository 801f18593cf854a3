import SightlineData

/// Everything Sightline knows about a gallery of tracks from their boxes alone:
/// each track's trajectory, each camera's context and each track's neighbours.
public struct TrackAnalysis: Sendable {
    public var trajectories: [String: Trajectory]
    public var cameras: [String: CameraContext]
    public var neighbours: [String: [Neighbour]]
    /// Each track's typical box area over the median of its camera's tracks (perspective-blind:
    /// a coarse hint that a vehicle is big, like a truck or bus, or small). Areas under one
    /// square pixel count as one, so that sub-pixel boxes cannot make the ratio infinite.
    public var sizeRatio: [String: Double]

    public init(tracks: [Track], options: TrajectoryOptions = .init()) {
        var trajectories: [String: Trajectory] = [:]
        for t in tracks { trajectories[t.id] = Trajectory(boxes: t.boxes, options: options) }
        self.trajectories = trajectories
        cameras = CameraContext.contexts(of: tracks, trajectories: trajectories)
        neighbours = Neighbour.neighbours(of: tracks, trajectories: trajectories)
        sizeRatio = Self.sizeRatios(of: tracks)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// Each track's typical box area over the median of its camera's tracks (see `sizeRatio`).
    public static func sizeRatios(of tracks: [Track]) -> [String: Double] {
        let typical = Dictionary(uniqueKeysWithValues: tracks.map { t in (t.id, median(t.boxes.map { max($0.area, 1) })) })
        var out: [String: Double] = [:]
        for group in Dictionary(grouping: tracks, by: \.cameraKey).values {
            let cameraMedian = median(group.compactMap { typical[$0.id] })
            for t in group { out[t.id] = cameraMedian > 0 ? (typical[t.id] ?? 0) / cameraMedian : 1 }
        }
        return out
    }

    /// The context of the camera that saw `track`.
    public func camera(of track: Track) -> CameraContext? { cameras[track.cameraKey] }
}
