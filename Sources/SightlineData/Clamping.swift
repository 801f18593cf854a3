extension Int {
    /// `value` truncated toward zero, as `Int(_:)` does, but defined for every `Double`: NaN
    /// gives 0 and values beyond `Int`'s range give `Int.min` or `Int.max`, so a hostile number
    /// cannot trap a conversion. Round first (`Int(clamping: x.rounded())`) for the nearest integer.
    public init(clamping value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= Double(Int.max) {
            self = .max
        } else if value <= Double(Int.min) {
            self = .min
        } else {
            self = Int(value)
        }
    }
}
