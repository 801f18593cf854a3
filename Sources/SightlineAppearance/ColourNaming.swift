import SightlineData
import SightlinePixels

/// Names the paint colour of a vehicle crop as a distribution over `VehicleColor`.
///
/// Design: (1) the road around the vehicle is grey, so the crop's outer ring (or the camera
/// background behind the box, when known) estimates the colour cast, which is divided out
/// (white balance); (2) pixels that look like that surrounding are background and dropped;
/// (3) the rest vote for the nearest colour name in HSV, weighted towards the box centre where
/// the body is; dark pixels (windows, tyres, shadows) vote for black at reduced weight, since
/// every vehicle has some, and saturated pixels at increased weight. A vehicle that waited long
/// enough to be part of the camera's mean background matches it; when the background would mask
/// most of the crop, the crop's own ring is used instead.
public struct ColourNamer: Sendable {
    /// Share of the crop's width and height taken as the surrounding ring.
    public var ringShare = 0.08
    /// RGB distance (0...441) under which a pixel counts as background.
    public var backgroundDistance = 40.0
    /// Weight of a dark pixel's vote for black.
    public var darkWeight = 0.8
    /// Weight of a saturated pixel's vote: grey paint yields few saturated pixels, so those
    /// that appear say more than a grey one does.
    public var chromaticWeight = 2.0
    /// Share of the crop that may match the camera background before the background is taken
    /// to show the vehicle itself and the ring is used instead.
    public var maxBackgroundShare = 0.6

    public init() {}

    /// The method and its settings in words, recorded by an index so that it refuses colours
    /// named another way; change it with any change to how colours are named.
    public var settings: String {
        "colour-namer 2 ring \(ringShare) background-distance \(backgroundDistance) dark \(darkWeight) "
            + "chromatic \(chromaticWeight) max-background \(maxBackgroundShare), tracks weighted by sqrt crop area"
    }

    /// The colour distribution of `crop`. `background`, when given, is the same rectangle of the
    /// camera's background image.
    public func distribution(of crop: RGBImage, background: RGBImage? = nil) -> [VehicleColor: Double] {
        guard crop.width > 0, crop.height > 0 else { return [:] }
        let reference = background.flatMap { $0.width == crop.width && $0.height == crop.height ? $0 : nil }
        let cast = whiteBalance(crop: crop, background: reference)
        let ringBackground = reference == nil ? ringMedian(crop) : nil
        var votes: [VehicleColor: Double] = [:]
        var masked = 0.0, considered = 0.0
        let w = crop.width, h = crop.height
        crop.pixels.withUnsafeBufferPointer { p in
            for y in 0..<h {
                let dy = (Double(y) + 0.5) / Double(h) - 0.5
                for x in 0..<w {
                    let dx = (Double(x) + 0.5) / Double(w) - 0.5
                    let centrality = max(0, 1 - 2.2 * (dx * dx + dy * dy).squareRoot())
                    guard centrality > 0 else { continue }
                    let i = (y * w + x) * 3
                    let r = Double(p[i]), g = Double(p[i + 1]), b = Double(p[i + 2])
                    let bg: (Double, Double, Double)? = reference.map { ref in
                        (Double(ref.pixels[i]), Double(ref.pixels[i + 1]), Double(ref.pixels[i + 2]))
                    } ?? ringBackground
                    considered += centrality
                    if let bg, Self.distance((r, g, b), bg) < backgroundDistance {
                        masked += centrality
                        continue
                    }
                    let colour = Self.name(r: r * cast.0, g: g * cast.1, b: b * cast.2)
                    let weight = switch colour {
                    case .black: darkWeight
                    case .white, .silver, .gray: 1.0
                    default: chromaticWeight
                    }
                    votes[colour, default: 0] += centrality * weight
                }
            }
        }
        if reference != nil, considered > 0, masked / considered > maxBackgroundShare {
            return distribution(of: crop)
        }
        let total = votes.values.reduce(0, +)
        guard total > 0 else { return [:] }
        return votes.mapValues { $0 / total }
    }

    /// Per-channel gains that make the surrounding neutral grey, limited to ±30 %.
    func whiteBalance(crop: RGBImage, background: RGBImage?) -> (Double, Double, Double) {
        let m = background.map(Self.meanColour) ?? ringMedian(crop)
        let grey = (m.0 + m.1 + m.2) / 3
        guard grey > 10 else { return (1, 1, 1) }
        func gain(_ c: Double) -> Double { min(1.3, max(0.7, grey / max(c, 1))) }
        return (gain(m.0), gain(m.1), gain(m.2))
    }

    /// Per-channel median of the crop's outer ring.
    func ringMedian(_ crop: RGBImage) -> (Double, Double, Double) {
        let bx = max(1, Int(clamping: Double(crop.width) * ringShare)), by = max(1, Int(clamping: Double(crop.height) * ringShare))
        var channels: [[UInt8]] = [[], [], []]
        for y in 0..<crop.height {
            for x in 0..<crop.width where y < by || y >= crop.height - by || x < bx || x >= crop.width - bx {
                let i = (y * crop.width + x) * 3
                for c in 0..<3 { channels[c].append(crop.pixels[i + c]) }
            }
        }
        func median(_ v: [UInt8]) -> Double { v.isEmpty ? 128 : Double(v.sorted()[v.count / 2]) }
        return (median(channels[0]), median(channels[1]), median(channels[2]))
    }

    static func meanColour(_ image: RGBImage) -> (Double, Double, Double) {
        var s = (0.0, 0.0, 0.0)
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            s.0 += Double(image.pixels[i]); s.1 += Double(image.pixels[i + 1]); s.2 += Double(image.pixels[i + 2])
        }
        let n = Double(max(1, image.pixels.count / 3))
        return (s.0 / n, s.1 / n, s.2 / n)
    }

    static func distance(_ a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
        let d0 = a.0 - b.0, d1 = a.1 - b.1, d2 = a.2 - b.2
        return (d0 * d0 + d1 * d1 + d2 * d2).squareRoot()
    }

    /// The colour name of one white-balanced pixel (channels 0...255, may exceed 255 after gains).
    public static func name(r: Double, g: Double, b: Double) -> VehicleColor {
        let r = min(r, 255) / 255, g = min(g, 255) / 255, b = min(b, 255) / 255
        let maxC = max(r, g, b), minC = min(r, g, b)
        let v = maxC
        let s = maxC > 0 ? (maxC - minC) / maxC : 0
        if v < 0.22 { return .black }
        // Dark and pale pixels need more saturation to count as a hue: camera casts and sky
        // reflections tint black and silver paint.
        if s < 0.22 + 0.3 * (1 - v) || (maxC - minC) < 0.1 {
            if v > 0.85 { return .white }
            if v > 0.55 { return .silver }
            if v > 0.3 { return .gray }
            return .black
        }
        var hue: Double
        let d = maxC - minC
        if maxC == r { hue = 60 * ((g - b) / d).truncatingRemainder(dividingBy: 6) } else if maxC == g { hue = 60 * ((b - r) / d + 2) } else { hue = 60 * ((r - g) / d + 4) }
        if hue < 0 { hue += 360 }
        switch hue {
        case ..<15, 320...: return v < 0.35 && s < 0.5 ? .brown : .red
        case 15..<45:
            if s < 0.35 { return v > 0.6 ? .beige : .brown }
            return v < 0.55 ? .brown : .orange
        case 45..<70:
            if s < 0.35 { return v > 0.6 ? .beige : .gold }
            return v < 0.6 ? .gold : .yellow
        case 70..<170: return .green
        case 170..<260: return .blue
        default: return .purple
        }
    }
}
