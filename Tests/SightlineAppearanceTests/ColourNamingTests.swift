@testable import SightlineAppearance
import SightlineData
import SightlinePixels
import Testing

struct ColourNamingTests {
    @Test(arguments: [
        ((250.0, 250.0, 250.0), VehicleColor.white), ((10.0, 10.0, 12.0), .black), ((120.0, 120.0, 120.0), .gray),
        ((175.0, 178.0, 180.0), .silver), ((200.0, 20.0, 25.0), .red), ((20.0, 40.0, 200.0), .blue),
        ((30.0, 160.0, 40.0), .green), ((240.0, 220.0, 20.0), .yellow), ((245.0, 130.0, 10.0), .orange),
        ((110.0, 70.0, 30.0), .brown), ((130.0, 40.0, 160.0), .purple), ((225.0, 200.0, 150.0), .beige),
    ])
    func namesPureColours(rgb: (Double, Double, Double), expected: VehicleColor) {
        #expect(ColourNamer.name(r: rgb.0, g: rgb.1, b: rgb.2) == expected)
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
        #expect(d[.gray] == nil, "the grey road must be masked out")
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
        #expect(d[.green] == 1)
    }

    /// A vehicle that waited long enough to be in the mean background matches it everywhere:
    /// the namer falls back to the crop's own ring instead of masking the body away.
    @Test func vehicleInsideTheBackgroundIsStillNamed() {
        let crop = Self.car((200, 30, 30))
        let d = ColourNamer().distribution(of: crop, background: crop)
        #expect(d.max { $0.value < $1.value }?.key == .red)
        var strict = ColourNamer()
        strict.maxBackgroundShare = 1
        #expect(strict.distribution(of: crop, background: crop).isEmpty, "without the fallback every pixel is masked")
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
