import SightlineData

/// SORT's and ByteTrack's constant-velocity Kalman filter over a box in image space
/// (ByteTrack's `yolox/tracker/kalman_filter.py`, after DeepSORT).
///
/// The state is the box's centre x, y, its aspect ratio a = w / h and its height h, then their
/// velocities: eight numbers, of which the measurement observes the first four. Process and
/// measurement noise scale with the box height, so a near (large) vehicle is allowed to move
/// more pixels per frame than a far one.
public struct KalmanFilter: Sendable, Hashable {
    /// The filter's belief about one box: the mean state and its 8x8 covariance (row-major).
    public struct State: Sendable, Hashable {
        public var mean: [Double]
        public var covariance: [Double]

        /// The box the mean's first four numbers describe.
        public var box: Box { KalmanFilter.box(fromMeasurement: Array(mean[0..<4])) }
        /// The estimated velocity of the box centre, in pixels per frame.
        public var velocity: (x: Double, y: Double) { (mean[4], mean[5]) }
    }

    /// Position noise per pixel of height (DeepSORT's 1/20).
    public var positionWeight = 1.0 / 20
    /// Velocity noise per pixel of height (DeepSORT's 1/160).
    public var velocityWeight = 1.0 / 160

    public init() {}

    static let dimension = 8

    /// The measurement a box gives: centre x, centre y, aspect w / h, height.
    public static func measurement(_ box: Box) -> [Double] { [box.centerX, box.centerY, box.w / box.h, box.h] }

    static func box(fromMeasurement m: [Double]) -> Box {
        let h = m[3], w = m[2] * m[3]
        return Box(x: m[0] - w / 2, y: m[1] - h / 2, w: w, h: h)
    }

    /// A new track's state from its first box: zero velocity, wide uncertainty on the velocities.
    public func initiate(_ box: Box) -> State {
        let m = Self.measurement(box)
        let h = m[3]
        let std = [2 * positionWeight * h, 2 * positionWeight * h, 1e-2, 2 * positionWeight * h,
                   10 * velocityWeight * h, 10 * velocityWeight * h, 1e-5, 10 * velocityWeight * h]
        return State(mean: m + [0, 0, 0, 0], covariance: Self.diagonal(std.map { $0 * $0 }))
    }

    /// One frame ahead: position += velocity, covariance F P F^T + Q.
    public func predict(_ state: State) -> State {
        let h = state.mean[3]
        let std = [positionWeight * h, positionWeight * h, 1e-2, positionWeight * h,
                   velocityWeight * h, velocityWeight * h, 1e-5, velocityWeight * h]
        var mean = state.mean
        for i in 0..<4 { mean[i] += mean[i + 4] }
        let p = state.covariance, n = Self.dimension
        // F P F^T with F = [[I, I], [0, I]]: rows then columns of the position block gain the velocity block's.
        var fp = p
        for i in 0..<4 { for j in 0..<n { fp[i * n + j] += p[(i + 4) * n + j] } }
        var fpf = fp
        for i in 0..<n { for j in 0..<4 { fpf[i * n + j] += fp[i * n + j + 4] } }
        for i in 0..<n { fpf[i * n + i] += std[i] * std[i] }
        return State(mean: mean, covariance: fpf)
    }

    /// The state's distribution in measurement space: H x and H P H^T + R (the top-left 4x4 block plus noise).
    func project(_ state: State) -> (mean: [Double], covariance: [Double]) {
        let h = state.mean[3]
        let std = [positionWeight * h, positionWeight * h, 1e-1, positionWeight * h]
        var s = [Double](repeating: 0, count: 16)
        for i in 0..<4 { for j in 0..<4 { s[i * 4 + j] = state.covariance[i * Self.dimension + j] } }
        for i in 0..<4 { s[i * 4 + i] += std[i] * std[i] }
        return (Array(state.mean[0..<4]), s)
    }

    /// The state corrected by a measured box: K = P H^T S^-1, mean + K (z - H x), P - K S K^T.
    public func update(_ state: State, with box: Box) -> State {
        let (projected, s) = project(state)
        let z = Self.measurement(box)
        let n = Self.dimension
        // P H^T is the first four columns of P (8x4); K^T = S^-1 (P H^T)^T, solved through S's Cholesky factor.
        var gainT = [Double](repeating: 0, count: 4 * n)
        let l = Self.cholesky4(s)
        for j in 0..<n {
            let column = Self.choleskySolve4(l, (0..<4).map { state.covariance[j * n + $0] })
            for i in 0..<4 { gainT[i * n + j] = column[i] }
        }
        let innovation = (0..<4).map { z[$0] - projected[$0] }
        var mean = state.mean
        for j in 0..<n { for i in 0..<4 { mean[j] += gainT[i * n + j] * innovation[i] } }
        // K S K^T = K (P H^T)^T, since S K^T = (P H^T)^T.
        var covariance = state.covariance
        for a in 0..<n {
            for b in 0..<n {
                var sum = 0.0
                for i in 0..<4 { sum += gainT[i * n + a] * state.covariance[b * n + i] }
                covariance[a * n + b] -= sum
            }
        }
        return State(mean: mean, covariance: covariance)
    }

    static func diagonal(_ values: [Double]) -> [Double] {
        var m = [Double](repeating: 0, count: values.count * values.count)
        for (i, v) in values.enumerated() { m[i * values.count + i] = v }
        return m
    }

    /// The lower Cholesky factor of a symmetric positive-definite 4x4 matrix.
    static func cholesky4(_ a: [Double]) -> [Double] {
        var l = [Double](repeating: 0, count: 16)
        for i in 0..<4 {
            for j in 0...i {
                var sum = a[i * 4 + j]
                for k in 0..<j { sum -= l[i * 4 + k] * l[j * 4 + k] }
                l[i * 4 + j] = i == j ? sum.squareRoot() : sum / l[j * 4 + j]
            }
        }
        return l
    }

    /// x with L L^T x = b.
    static func choleskySolve4(_ l: [Double], _ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<4 {
            for k in 0..<i { y[i] -= l[i * 4 + k] * y[k] }
            y[i] /= l[i * 4 + i]
        }
        var x = y
        for i in stride(from: 3, through: 0, by: -1) {
            for k in (i + 1)..<4 { x[i] -= l[k * 4 + i] * x[k] }
            x[i] /= l[i * 4 + i]
        }
        return x
    }
}
