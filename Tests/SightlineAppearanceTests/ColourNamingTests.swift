@testable import SightlineAppearance
import SightlineData
import SightlinePixels
import Testing

struct ColourNamingTests {
    @Test(arguments: [
        ((200, 20, 25), VehicleColor.red), ((20, 40, 200), .blue), ((0, 0, 255), .blue), ((30, 160, 40), .green),
        ((240, 220, 20), .yellow), ((245, 130, 10), .orange), ((110, 70, 30), .brown), ((130, 40, 160), .purple),
        ((225, 200, 150), .beige), ((200, 160, 40), .gold), ((90, 20, 20), .red),
    ] as [((UInt8, UInt8, UInt8), VehicleColor)])
    func namesHuesInLab(rgb: (UInt8, UInt8, UInt8), expected: VehicleColor) {
        let lab = CIELab(r: rgb.0, g: rgb.1, b: rgb.2)
        #expect(lab.chroma > ColourNamer().chromaThreshold)
        #expect(ColourNamer.hueName(lab) == expected)
    }

    /// Reference values of sRGB colours in CIE L*a*b* (D65), to 0.1.
    @Test func labMatchesTheStandard() {
        let white = CIELab(r: 255, g: 255, b: 255), red = CIELab(r: 255, g: 0, b: 0), grey = CIELab(r: 128, g: 128, b: 128)
        #expect(abs(white.L - 100) < 0.1 && white.chroma < 0.1)
        #expect(abs(red.L - 53.24) < 0.1 && abs(red.a - 80.09) < 0.2 && abs(red.b - 67.20) < 0.2)
        #expect(abs(grey.L - 53.59) < 0.1 && grey.chroma < 0.1)
        #expect(CIELab(r: 0, g: 0, b: 0).L == 0)
    }

    /// Black, grey, silver and white come from lightness against the scene's: the same car is
    /// named by how it compares to its road.
    @Test(arguments: [((25, 25, 28), VehicleColor.black), ((245, 245, 245), .white), ((140, 140, 142), .silver)] as [((UInt8, UInt8, UInt8), VehicleColor)])
    func achromaticPaintByLightnessAgainstTheRoad(body: (UInt8, UInt8, UInt8), expected: VehicleColor) {
        let d = ColourNamer().distribution(of: Self.car(body, road: (185, 185, 185)))
        #expect(d.mostLikely == expected, "\(d)")
    }

    /// White against silver is the paint's own lightness: a silver car is silver on dark asphalt
    /// too, where it is far brighter than the road.
    @Test(arguments: [(60, 60, 60), (200, 200, 200)] as [(UInt8, UInt8, UInt8)])
    func silverStaysSilverOnAnyRoad(road: (UInt8, UInt8, UInt8)) {
        #expect(ColourNamer().distribution(of: Self.car((160, 160, 162), road: road)).mostLikely == .silver)
        #expect(ColourNamer().distribution(of: Self.car((245, 245, 245), road: road)).mostLikely == .white)
    }

    /// A black car whose lower part a nearer white car covers: named black once that part is hidden.
    @Test func whatANearerVehicleHidesIsLeftOut() {
        var crop = Self.car((20, 20, 22), road: (150, 150, 150))
        for y in 30..<54 { for x in 6..<54 { crop.pixels.replaceSubrange((3 * (y * 60 + x))..<(3 * (y * 60 + x) + 3), with: [240, 240, 240]) } }
        #expect(ColourNamer().distribution(of: crop).mostLikely != .black)
        let hidden = [PixelRect(x: 0, y: 30, width: 60, height: 30)]
        #expect(ColourNamer().distribution(of: crop, hidden: hidden).mostLikely == .black)
        #expect(ColourNamer().region(of: crop, hidden: hidden).map { !$0.mask[45 * 60 + 30] } == true)
    }

    /// The nearer of two overlapping vehicles is the one reaching lower in the frame; it hides part of the other, not the reverse.
    @Test func occupancyHidesOnlyNearerVehicles() throws {
        let frame = try #require(FrameRef(path: "S01/c001/img1/000001.jpg"))
        let far = Track(id: "far", frames: [frame], boxes: [Box(x: 100, y: 100, w: 80, h: 60)])
        let near = Track(id: "near", frames: [frame], boxes: [Box(x: 120, y: 140, w: 80, h: 60)])
        let occupancy = FrameOccupancy([far, near])
        let farRect = PixelRect(x: 100, y: 100, width: 80, height: 60)
        #expect(occupancy.hidden(in: farRect, track: "far", box: far.boxes[0], frame: frame) == [PixelRect(x: 20, y: 40, width: 60, height: 20)])
        #expect(occupancy.hidden(in: PixelRect(x: 120, y: 140, width: 80, height: 60), track: "near", box: near.boxes[0], frame: frame).isEmpty)
        let other = try #require(FrameRef(path: "S01/c001/img1/000002.jpg"))
        #expect(occupancy.hidden(in: farRect, track: "far", box: far.boxes[0], frame: other).isEmpty)
    }

    @Test func thresholdsFitAndLeaveOneOutUseOnlyTheOtherSamples() {
        let dark = ColourEvidence(chromaticShare: 0, darkness: 0.6, paleLightness: 0.3, hues: [:])
        let pale = ColourEvidence(chromaticShare: 0, darkness: -0.3, paleLightness: 0.95, hues: [:])
        let candidates = [ColourThresholds(chromatic: 0.1, black: 0.7, gray: 0.65, white: 1.5), ColourThresholds(chromatic: 0.1, black: 0.2, gray: 0.1, white: 0.8)]
        let samples: [(evidence: ColourEvidence, accepted: Set<VehicleColor>)] = [(dark, [.black]), (dark, [.black]), (pale, [.white])]
        #expect(ColourThresholds.fit(samples, candidates: candidates) == candidates[1])
        #expect(ColourThresholds.leaveOneOut(samples, candidates: candidates) == [.black, .black, .white])
        // each crop is named by the fit to the other one, never by a fit that saw it
        let lone: [(evidence: ColourEvidence, accepted: Set<VehicleColor>)] = [(pale, [.white]), (pale, [.silver])]
        #expect(ColourThresholds.leaveOneOut(lone, candidates: candidates) == [.silver, .white])
    }

    @Test func distributionAndNameAgree() {
        let t = ColourThresholds.standard
        for e in [ColourEvidence(chromaticShare: 0.3, darkness: 0.4, paleLightness: 0.5, hues: [.red: 0.8, .brown: 0.2]),
                  ColourEvidence(chromaticShare: 0.1, darkness: 0.17, paleLightness: 0.9, hues: [.blue: 1]),
                  ColourEvidence(chromaticShare: 0, darkness: -0.1, paleLightness: 0.81, hues: [:])] {
            let d = t.distribution(e)
            #expect(abs(d.values.reduce(0, +) - 1) < 1e-9)
            #expect(t.name(e) == d.mostLikely)
        }
    }

    /// A coloured vehicle on a grey road: the road is dropped, the body wins.
    static func car(_ body: (UInt8, UInt8, UInt8), road: (UInt8, UInt8, UInt8) = (110, 110, 110), size: Int = 60) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<size {
            for x in 0..<size {
                let inside = x > size / 6 && x < size * 5 / 6 && y > size / 4 && y < size * 3 / 4
                let c = inside ? body : road
                pixels += [c.0, c.1, c.2]
            }
        }
        return RGBImage(width: size, height: size, pixels: pixels)
    }

    @Test(arguments: [((200, 30, 30), VehicleColor.red), ((245, 245, 245), .white), ((25, 45, 170), .blue), ((20, 20, 20), .black)] as [((UInt8, UInt8, UInt8), VehicleColor)])
    func bodyColourWinsOverTheRoad(body: (UInt8, UInt8, UInt8), expected: VehicleColor) {
        let d = ColourNamer().distribution(of: Self.car(body))
        #expect(d.max { $0.value < $1.value }?.key == expected)
        #expect(abs(d.values.reduce(0, +) - 1) < 1e-9)
        #expect((d[.gray] ?? 0) < 0.01, "the grey road must be masked out")
    }

    @Test func blueCastOnAWhiteCarIsBalancedAway() {
        // camera with a blue cast: road (100, 110, 140), white car (215, 225, 255)
        let d = ColourNamer().distribution(of: Self.car((215, 225, 255), road: (100, 110, 140)))
        #expect(d.max { $0.value < $1.value }?.key == .white)
    }

    @Test func backgroundImageMasksTheRoad() {
        let crop = Self.car((30, 150, 40), road: (90, 95, 90))
        let background = RGBImage(width: 60, height: 60, pixels: Array(repeating: [90, 95, 90] as [UInt8], count: 3600).flatMap { $0 })
        let d = ColourNamer().distribution(of: crop, background: background)
        #expect((d[.green] ?? 0) > 0.99)
    }

    /// A vehicle that waited long enough to be in the mean background matches it everywhere:
    /// the namer falls back to the crop's own ring instead of masking the body away.
    @Test func vehicleInsideTheBackgroundIsStillNamed() {
        let crop = Self.car((200, 30, 30))
        let d = ColourNamer().distribution(of: crop, background: crop)
        #expect(d.max { $0.value < $1.value }?.key == .red)
    }

    @Test func largerCropsCountMoreInATrack() {
        let d = TrackAppearance.average([[VehicleColor.red: 1], [.blue: 1]], weights: [3, 1])
        #expect(d[.red] == 0.75 && d[.blue] == 0.25)
        #expect(TrackAppearance.average([[VehicleColor.red: 1], [.blue: 1]])[.red] == 0.5)
    }

    @Test func emptyOrUniformCropGivesNoColour() {
        #expect(ColourNamer().distribution(of: RGBImage(width: 0, height: 0, pixels: [])).isEmpty)
        #expect(ColourNamer().distribution(of: Self.car((110, 110, 110))).isEmpty)
    }
}
