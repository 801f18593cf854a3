import SightlineData
import SightlineLanguage
@testable import SightlineRanking
import SightlineTracks
import Testing

/// Colour, type and relation-look terms on a hand-made gallery with hand-set pixel evidence.
struct PixelTermTests {
    /// Two cars side by side in one camera ("target" and "buddy"), one alone in another ("loner").
    static func gallery(buddy: TrackAppearance?) -> Gallery {
        let tracks = [
            Gallery3.track("target", Gallery3.line((300, 900), (300, 100)), camera: "c001"),
            Gallery3.track("buddy", Gallery3.line((400, 900), (400, 100)), camera: "c001"),
            Gallery3.track("loner", Gallery3.line((300, 900), (300, 100)), camera: "c002"),
        ]
        var appearance: [String: TrackAppearance] = [
            "target": TrackAppearance(colours: [.red: 0.9, .black: 0.1], types: [.pickup: 0.8, .suv: 0.2]),
            "loner": TrackAppearance(colours: [.blue: 1], types: [.sedan: 1]),
        ]
        appearance["buddy"] = buddy
        return Gallery(tracks: tracks, appearance: appearance)
    }

    static func profile(_ text: String) -> QueryProfile { TypedUnderstanding().profile(of: [text, text, text]) }

    @Test func colourAndTypeFollowThePixels() {
        let g = Self.gallery(buddy: nil)
        let q = Self.profile("A red pickup drives straight.")
        #expect(ColourTerm().score(q, g.tracks[0], in: g) > 0.85)
        #expect(ColourTerm().score(q, g.tracks[2], in: g) == 0)
        #expect(TypeTerm().score(q, g.tracks[0], in: g) >= 0.8)
        #expect(TypeTerm().score(q, g.tracks[2], in: g) < 0.5)
        #expect(TypeTerm().score(q, g.tracks[1], in: g) == 0)
        #expect(ColourTerm().reason(q, g.tracks[1], in: g).contains("no pixels"))
    }

    @Test func relationLookRewardsANeighbourThatLooksAsNamed() {
        let white = Self.gallery(buddy: TrackAppearance(colours: [.white: 0.7, .silver: 0.3], types: [.sedan: 0.6, .suv: 0.4]))
        let black = Self.gallery(buddy: TrackAppearance(colours: [.black: 1], types: [.truck: 1]))
        let q = Self.profile("A red pickup followed by a white sedan.")
        #expect(!q.relations.isEmpty)
        let term = RelationLookTerm()
        let withWhite = term.score(q, white.tracks[0], in: white)
        #expect(withWhite > 0)
        #expect(term.score(q, black.tracks[0], in: black) == 0)
        #expect(term.score(q, white.tracks[2], in: white) == 0)
        #expect(term.score(Self.profile("A red pickup drives straight."), white.tracks[0], in: white) == 0)
        #expect(term.reason(q, white.tracks[0], in: white).contains("white sedan"))
    }

    @Test func relationLookIsLinear() {
        let g = Self.gallery(buddy: TrackAppearance(colours: [.white: 0.7, .silver: 0.3], types: [.sedan: 0.6, .suv: 0.4]))
        let term = RelationLookTerm()
        for text in ["A red pickup followed by a white sedan.", "A car behind a black SUV.", "A blue car turns left."] {
            let q = Self.profile(text)
            let v = term.queryVector(q)
            #expect(v.count == term.featureNames.count)
            for t in g.tracks {
                let f = term.trackFeatures(t, in: g)
                #expect(abs(zip(v, f).map(*).reduce(0, +) - term.score(q, t, in: g)) < 1e-12)
            }
        }
    }
}
