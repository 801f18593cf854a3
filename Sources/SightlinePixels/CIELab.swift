import Foundation

/// A colour in CIE L*a*b* (D65 white): lightness `L` in 0...100 and the opponent axes `a`
/// (green to red) and `b` (blue to yellow). Euclidean distance here (CIE76 ΔE) follows
/// perceived difference far better than distance in RGB, and chroma separates paint that has
/// a hue from black, grey, silver and white.
public struct CIELab: Sendable, Equatable {
    public var L: Double
    public var a: Double
    public var b: Double

    public init(L: Double, a: Double, b: Double) {
        self.L = L
        self.a = a
        self.b = b
    }

    /// The colour of linear-light RGB (0...1 per channel, as `linear(_:)` gives), clamped to 0...1.
    public init(linearR r: Double, g: Double, b: Double) {
        let r = min(max(r, 0), 1), g = min(max(g, 0), 1), bl = min(max(b, 0), 1)
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * bl
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883
        let fx = Self.f(x), fy = Self.f(y), fz = Self.f(z)
        self.init(L: 116 * fy - 16, a: 500 * (fx - fy), b: 200 * (fy - fz))
    }

    /// The colour of an sRGB byte triple.
    public init(r: UInt8, g: UInt8, b: UInt8) {
        self.init(linearR: Self.linear(r), g: Self.linear(g), b: Self.linear(b))
    }

    /// Distance from the neutral axis: 0 for black, grey and white.
    public var chroma: Double { (a * a + b * b).squareRoot() }

    /// Hue angle in degrees, 0..<360 (0 red, about 90 yellow, 160 green, 270 blue).
    public var hue: Double {
        let h = atan2(b, a) * 180 / .pi
        return h < 0 ? h + 360 : h
    }

    /// CIE76 ΔE.
    public func distance(to other: CIELab) -> Double {
        let dl = L - other.L, da = a - other.a, db = b - other.b
        return (dl * dl + da * da + db * db).squareRoot()
    }

    /// The linear-light value (0...1) of an sRGB byte, from a table.
    public static func linear(_ byte: UInt8) -> Double { linearTable[Int(byte)] }

    private static let linearTable: [Double] = (0...255).map { v in
        let c = Double(v) / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    private static func f(_ t: Double) -> Double {
        t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116.0
    }
}
