import Foundation
import SightlineData
import SightlinePixels

/// Names the paint colour of a vehicle crop as a distribution over `VehicleColor`.
///
/// Design, in CIE L*a*b*: (1) the camera's cast is divided out (von Kries, in linear light)
/// using the road around the vehicle, which is grey: the camera background behind the box when
/// known, else the crop's outer ring; (2) the painted surface is what remains of the box's
/// central region once the background (ΔE below `backgroundDistance`) and the cast shadow under
/// the vehicle (a darker, equally neutral copy of the road in the lowest part) are dropped;
/// (3) paint with a hue shows as a share of pixels with chroma above `chromaThreshold`, named
/// by hue angle; otherwise black and grey are told apart by darkness relative to the scene, and
/// white from silver by the paint's own lightness (`ColourEvidence`), with thresholds fitted on
/// labelled crops (`ColourThresholds`). Pixels hidden by a nearer vehicle (`hidden`) are not surface.
/// Windows are not masked: on the labelled crops masking dark or bright low-chroma pixels in
/// the upper part removed more black and white paint than glass.
public struct ColourNamer: Sendable {
    /// Share of the crop's width and height taken as the surrounding ring.
    public var ringShare = 0.08
    /// ΔE (CIE76) under which a pixel counts as background.
    public var backgroundDistance = 12.0
    /// Chroma above which a pixel has a hue.
    public var chromaThreshold = 20.0
    /// Share of the central region that must survive the camera background's mask; below it the
    /// vehicle is taken to be part of the background (it waited) and the crop's ring is used.
    public var minBodyShare = 0.25
    /// How the evidence becomes names.
    public var thresholds = ColourThresholds.standard

    public init() {}

    /// The method and its settings in words, recorded by an index so that it refuses colours
    /// named another way; change it with any change to how colours are named.
    public var settings: String {
        "colour-namer 4 lab ring \(ringShare) background-distance \(backgroundDistance) chroma \(chromaThreshold) "
            + "min-body \(minBodyShare) \(thresholds.settings), tracks weighted by sqrt crop area"
    }

    /// The colour distribution of `crop`. `background`, when given, is the same rectangle of the
    /// camera's background image; `hidden` are rectangles of the crop covered by nearer vehicles.
    public func distribution(of crop: RGBImage, background: RGBImage? = nil, hidden: [PixelRect] = []) -> [VehicleColor: Double] {
        evidence(of: crop, background: background, hidden: hidden).map(thresholds.distribution) ?? [:]
    }

    /// What the painted surface of `crop` shows; nil when nothing of it is left to name.
    public func evidence(of crop: RGBImage, background: RGBImage? = nil, hidden: [PixelRect] = []) -> ColourEvidence? {
        surface(of: crop, background: background, hidden: hidden).map(evidence(from:))
    }

    /// The pixels of `crop` its colour is named from (the painted surface), for showing a user; nil as for `evidence`.
    public func region(of crop: RGBImage, background: RGBImage? = nil, hidden: [PixelRect] = []) -> ColourRegion? {
        surface(of: crop, background: background, hidden: hidden)?.region
    }

    /// The box's central region, as shares of its width and height, that the painted surface is looked for in.
    public static let centralX = 0.1..<0.9, centralY = 0.15..<0.9

    private enum Reference { case ring, image(RGBImage) }

    /// The surface pixels in CIE L*a*b*, where they lie, and the scene's lightness.
    private struct Surface {
        var kept: [CIELab]
        var region: ColourRegion
        var sceneLightness: Double
    }

    private func surface(of crop: RGBImage, background: RGBImage?, hidden: [PixelRect]) -> Surface? {
        guard crop.width > 0, crop.height > 0 else { return nil }
        var visible = [Bool](repeating: true, count: crop.width * crop.height)
        for r in hidden {
            let x0 = max(0, r.x), x1 = min(crop.width, r.x + r.width), y0 = max(0, r.y), y1 = min(crop.height, r.y + r.height)
            guard x0 < x1, y0 < y1 else { continue }
            for y in y0..<y1 { for x in x0..<x1 { visible[y * crop.width + x] = false } }
        }
        if let background, background.width == crop.width, background.height == crop.height,
           let s = surface(of: crop, visible: visible, reference: .image(background), requiredShare: minBodyShare) {
            return s
        }
        return surface(of: crop, visible: visible, reference: .ring, requiredShare: 0)
    }

    private func surface(of crop: RGBImage, visible: [Bool], reference: Reference, requiredShare: Double) -> Surface? {
        let w = crop.width, h = crop.height
        let gains: (Double, Double, Double)
        let sceneLab: [CIELab]
        let sceneLightness: Double
        let usesBackground: Bool
        switch reference {
        case .ring:
            let ring = ringPixels(crop)
            gains = Self.whiteBalance(ring)
            let labs = ring.map { Self.lab($0, gains) }
            let median = Self.median(labs)
            sceneLab = [median]
            sceneLightness = median.L
            usesBackground = false
        case let .image(background):
            let all = Self.pixels(of: background)
            gains = Self.whiteBalance(all)
            sceneLab = all.map { Self.lab($0, gains) }
            sceneLightness = Self.median(sceneLab).L
            usesBackground = true
        }
        guard sceneLightness > 1 else { return nil }
        var kept: [CIELab] = []
        var mask = [Bool](repeating: false, count: w * h)
        var region = 0
        for y in 0..<h {
            let fy = (Double(y) + 0.5) / Double(h)
            guard fy > Self.centralY.lowerBound, fy < Self.centralY.upperBound else { continue }
            for x in 0..<w {
                let fx = (Double(x) + 0.5) / Double(w)
                guard fx > Self.centralX.lowerBound, fx < Self.centralX.upperBound else { continue }
                let i = y * w + x
                guard visible[i] else { continue }
                region += 1
                let p = Self.lab((crop.pixels[3 * i], crop.pixels[3 * i + 1], crop.pixels[3 * i + 2]), gains)
                let ref = sceneLab.count == 1 ? sceneLab[0] : sceneLab[i]
                if p.distance(to: ref) < backgroundDistance { continue }
                if fy > 0.7, Self.isShadow(p, of: ref) { continue }
                kept.append(p)
                mask[i] = true
            }
        }
        guard !kept.isEmpty, Double(kept.count) >= requiredShare * Double(region) else { return nil }
        return Surface(kept: kept, region: ColourRegion(width: w, height: h, mask: mask, usesBackground: usesBackground),
                       sceneLightness: sceneLightness)
    }

    private func evidence(from surface: Surface) -> ColourEvidence {
        let kept = surface.kept, sceneLightness = surface.sceneLightness
        var hues: [VehicleColor: Double] = [:]
        var chromatic = 0, dark = 0, bright = 0
        var pale: [Double] = []
        for p in kept {
            if p.L < 0.4 * sceneLightness { dark += 1 } else { pale.append(p.L) }
            if p.L > sceneLightness + 18 { bright += 1 }
            if p.chroma > chromaThreshold {
                chromatic += 1
                hues[Self.hueName(p), default: 0] += 1
            }
        }
        let n = Double(kept.count)
        let paleLightness = pale.isEmpty ? 0 : pale.sorted()[pale.count / 2] / 100
        return ColourEvidence(chromaticShare: Double(chromatic) / n, darkness: Double(dark - bright) / n,
                              paleLightness: paleLightness, hues: hues.mapValues { $0 / Double(max(chromatic, 1)) })
    }

    /// A road pixel in the vehicle's shadow: as neutral as the road, darker but not black.
    static func isShadow(_ p: CIELab, of road: CIELab) -> Bool {
        let da = p.a - road.a, db = p.b - road.b
        return (da * da + db * db).squareRoot() < 8 && p.L > 0.3 * road.L && p.L < 0.85 * road.L
    }

    /// The colour name of a pixel whose chroma is above the threshold, by hue angle (and
    /// lightness, which separates brown from red and orange, and gold from yellow).
    public static func hueName(_ p: CIELab) -> VehicleColor {
        let h = p.hue
        switch h {
        case 48..<105 where p.chroma < 30: return p.L > 60 ? .beige : .brown
        case 350..., ..<48: return p.L < 25 && p.chroma < 25 ? .brown : .red
        case 48..<75: return p.L < 45 ? .brown : .orange
        case 75..<105: return p.L < 75 ? .gold : .yellow
        case 105..<200: return .green
        case 200..<315: return .blue
        default: return .purple
        }
    }

    static func pixels(of image: RGBImage) -> [(UInt8, UInt8, UInt8)] {
        let p = image.pixels
        return stride(from: 0, to: p.count, by: 3).map { i -> (UInt8, UInt8, UInt8) in (p[i], p[i + 1], p[i + 2]) }
    }

    private func ringPixels(_ crop: RGBImage) -> [(UInt8, UInt8, UInt8)] {
        let bx = max(1, Int(clamping: Double(crop.width) * ringShare)), by = max(1, Int(clamping: Double(crop.height) * ringShare))
        var out: [(UInt8, UInt8, UInt8)] = []
        for y in 0..<crop.height {
            for x in 0..<crop.width where y < by || y >= crop.height - by || x < bx || x >= crop.width - bx {
                let i = 3 * (y * crop.width + x)
                out.append((crop.pixels[i], crop.pixels[i + 1], crop.pixels[i + 2]))
            }
        }
        return out
    }

    /// Per-channel gains in linear light that make the median surrounding neutral, within ±40 %.
    static func whiteBalance(_ pixels: [(UInt8, UInt8, UInt8)]) -> (Double, Double, Double) {
        guard !pixels.isEmpty else { return (1, 1, 1) }
        func median(_ c: KeyPath<(UInt8, UInt8, UInt8), UInt8>) -> Double {
            var counts = [Int](repeating: 0, count: 256)
            for p in pixels { counts[Int(p[keyPath: c])] += 1 }
            var seen = 0
            for (v, n) in counts.enumerated() {
                seen += n
                if 2 * seen > pixels.count { return CIELab.linear(UInt8(v)) }
            }
            return CIELab.linear(255)
        }
        let m = (median(\.0), median(\.1), median(\.2))
        let grey = (m.0 + m.1 + m.2) / 3
        guard grey > 0.005 else { return (1, 1, 1) }
        func gain(_ c: Double) -> Double { min(1.4, max(0.6, grey / max(c, 1e-4))) }
        return (gain(m.0), gain(m.1), gain(m.2))
    }

    static func lab(_ p: (UInt8, UInt8, UInt8), _ gains: (Double, Double, Double)) -> CIELab {
        CIELab(linearR: CIELab.linear(p.0) * gains.0, g: CIELab.linear(p.1) * gains.1, b: CIELab.linear(p.2) * gains.2)
    }

    static func median(_ labs: [CIELab]) -> CIELab {
        guard !labs.isEmpty else { return CIELab(L: 0, a: 0, b: 0) }
        func m(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        return CIELab(L: m(labs.map(\.L)), a: m(labs.map(\.a)), b: m(labs.map(\.b)))
    }
}

/// Where in a crop its colour was read: the painted-surface pixels, row by row, and whether the
/// camera background (rather than the crop's ring) told the vehicle from the road.
public struct ColourRegion: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// `mask[y * width + x]`: pixel (x, y) is painted surface.
    public var mask: [Bool]
    public var usesBackground: Bool

    /// The crop with every pixel outside the surface darkened to a quarter and greyed, so the surface stands out.
    public func overlay(on crop: RGBImage) -> RGBImage {
        guard crop.width == width, crop.height == height else { return crop }
        var out = crop
        for i in mask.indices where !mask[i] {
            let r = Int(crop.pixels[3 * i]), g = Int(crop.pixels[3 * i + 1]), b = Int(crop.pixels[3 * i + 2])
            let grey = UInt8((r + g + b) / 12)
            out.pixels[3 * i] = grey
            out.pixels[3 * i + 1] = grey
            out.pixels[3 * i + 2] = grey
        }
        return out
    }
}

/// What a crop's painted surface shows, as `ColourThresholds` reads it.
public struct ColourEvidence: Sendable, Equatable {
    /// Share of body pixels with a hue.
    public var chromaticShare: Double
    /// Share of body pixels much darker than the scene minus the share much brighter: high for
    /// black paint, negative for white.
    public var darkness: Double
    /// Median CIE L* (over 100) of the body pixels that are not dark against the scene (glass,
    /// tyres and grilles are), 0 when all are: the paint's own lightness, which tells white from
    /// silver whatever the road (on the labelled crops, lightness relative to the road did not).
    public var paleLightness: Double
    /// How the pixels with a hue split among colour names (sums to 1 when any have a hue).
    public var hues: [VehicleColor: Double]

    public init(chromaticShare: Double, darkness: Double, paleLightness: Double, hues: [VehicleColor: Double]) {
        self.chromaticShare = chromaticShare
        self.darkness = darkness
        self.paleLightness = paleLightness
        self.hues = hues
    }
}

/// The four thresholds that turn `ColourEvidence` into names, each a soft step (a logistic of
/// width `softness`), so a crop near a boundary keeps both names: chromatic when the chromatic
/// share passes `chromatic`; else black above `black` darkness, grey above `gray`, and white
/// over silver above `white` pale lightness.
public struct ColourThresholds: Sendable, Equatable, Hashable {
    public var chromatic: Double
    public var black: Double
    public var gray: Double
    public var white: Double
    public var softness = 0.03

    public init(chromatic: Double, black: Double, gray: Double, white: Double) {
        self.chromatic = chromatic
        self.black = black
        self.gray = gray
        self.white = white
    }

    /// Fitted on the 40 labelled crops of `../shared/data/vehicle-crops` by
    /// `sightline describe-image ../shared/data/vehicle-crops/images --labels ../shared/data/vehicle-crops/labels.csv --fit`
    /// (that command also reports the accuracy of the fit by leave-one-out).
    public static let standard = ColourThresholds(chromatic: 0.1, black: 0.2, gray: 0.15, white: 0.7)

    public var settings: String { "thresholds chromatic \(chromatic) black \(black) gray \(gray) white \(white) soft \(softness)" }

    /// The colour distribution the evidence supports (sums to 1).
    public func distribution(_ e: ColourEvidence) -> [VehicleColor: Double] {
        let (hue, neutral) = shares(e)
        var out = e.hues.mapValues { $0 * hue }
        for (name, p) in neutral where p > 0 { out[name, default: 0] += p }
        return out
    }

    /// The most likely name of `e` (as `distribution(e).mostLikely`, without building it).
    public func name(_ e: ColourEvidence) -> VehicleColor? {
        let (hue, neutral) = shares(e)
        var best: (VehicleColor, Double)?
        func consider(_ name: VehicleColor, _ p: Double) {
            guard p > 0 else { return }
            if let b = best, p < b.1 || (p == b.1 && name > b.0) { return }
            best = (name, p)
        }
        for (name, p) in e.hues { consider(name, p * hue) }
        for (name, p) in neutral { consider(name, p) }
        return best?.0
    }

    /// The weight of the hue names, and the achromatic names with their probabilities.
    private func shares(_ e: ColourEvidence) -> (Double, [(VehicleColor, Double)]) {
        func step(_ value: Double, _ threshold: Double) -> Double { 1 / (1 + exp(-(value - threshold) / softness)) }
        let hue = e.hues.isEmpty ? 0 : step(e.chromaticShare, chromatic)
        let neutral = 1 - hue
        let black = step(e.darkness, self.black)
        let gray = (1 - black) * step(e.darkness, self.gray)
        let pale = (1 - black) - gray
        let white = pale * step(e.paleLightness, self.white)
        return (hue, [(.black, black * neutral), (.gray, gray * neutral), (.white, white * neutral), (.silver, (pale - white) * neutral)])
    }

    /// The candidates `fit` searches (darkness and lightness in steps of 0.05; white from L* 40 to 100).
    public static let grid: [ColourThresholds] = {
        var out: [ColourThresholds] = []
        for chromatic in [0.06, 0.08, 0.1, 0.12, 0.15, 0.18, 0.2, 0.25] {
            for black in 1...10 {
                for gray in -2..<black {
                    for white in 8...20 {
                        out.append(ColourThresholds(chromatic: chromatic, black: Double(black) / 20, gray: Double(gray) / 20, white: Double(white) / 20))
                    }
                }
            }
        }
        return out
    }()

    /// The candidate naming most samples right (a name counts when it is the label or its
    /// alternative); ties go to the first in `candidates`.
    public static func fit(_ samples: [(evidence: ColourEvidence, accepted: Set<VehicleColor>)],
                           candidates: [ColourThresholds] = grid) -> ColourThresholds? {
        let hits = hitTable(samples, candidates)
        return best(candidates, hits, excluding: nil)
    }

    /// Each sample named by thresholds fitted on all the others.
    public static func leaveOneOut(_ samples: [(evidence: ColourEvidence, accepted: Set<VehicleColor>)],
                                   candidates: [ColourThresholds] = grid) -> [VehicleColor?] {
        let hits = hitTable(samples, candidates)
        return samples.indices.map { i in best(candidates, hits, excluding: i)?.name(samples[i].evidence) }
    }

    /// `hits[c][s]`: whether candidate `c` names sample `s` right.
    private static func hitTable(_ samples: [(evidence: ColourEvidence, accepted: Set<VehicleColor>)],
                                 _ candidates: [ColourThresholds]) -> [[Bool]] {
        candidates.map { t in samples.map { t.name($0.evidence).map($0.accepted.contains) == true } }
    }

    private static func best(_ candidates: [ColourThresholds], _ hits: [[Bool]], excluding held: Int?) -> ColourThresholds? {
        var best: (ColourThresholds, Int)?
        for (t, row) in zip(candidates, hits) {
            var n = 0
            for (s, hit) in row.enumerated() where hit && s != held { n += 1 }
            if n > (best?.1 ?? -1) { best = (t, n) }
        }
        return best?.0
    }
}
