@testable import SightlineLanguage
import Testing

struct KeywordUnderstandingTests {
    let understanding = KeywordUnderstanding()

    @Test func votesAcrossDescriptions() {
        let p = understanding.profile(of: [
            "A red pickup truck turns left at an intersection.",
            "A red pick-up makes a left turn.",
            "A maroon SUV turns left.",
        ])
        #expect(p.colors.winner == .red)
        #expect(p.colors.confidence == 1)
        #expect(p.types.winner == .pickup)
        #expect(abs(p.types[.pickup] - 2.0 / 3) < 1e-12)
        #expect(p.motions[.leftTurn] == 1)
        #expect(abs(p.locations[.intersection] - 1.0 / 3) < 1e-12)
    }

    @Test func relationPhraseKeepsItsOwnVehicle() {
        let p = understanding.profile(of: ["A white sedan followed by a black truck."])
        #expect(p.colors.winner == .white)
        #expect(p.types.winner == .sedan)
        #expect(p.relations[RelationMention(kind: .followedBy, color: .black, type: .truck)] == 1)
    }

    @Test func emptyAndUnknownTextGiveAnEmptyProfile() {
        let p = understanding.profile(of: ["", "zzz qqq", "🚗"])
        #expect(p.colors.isEmpty && p.types.isEmpty && p.motions.isEmpty && p.locations.isEmpty && p.relations.isEmpty)
    }
}
