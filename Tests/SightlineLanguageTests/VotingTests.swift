import Foundation
@testable import SightlineLanguage
import Testing

@Suite("Voting, augmentation, understanding")
struct VotingTests {
    @Test func majorityColourWithConfidenceAndAlternative() {
        // A real train-nl.json track.
        let voted = VotedQuery(descriptions: [
            "A gray SUV goes straight across the traffic light and turns left.",
            "A deep grey cross-over crosses the street when the light turns green.",
            "A grey SUV drives through the intersection before turning left.",
        ])
        #expect(voted.color == .gray)
        #expect(voted.colors.confidence == 1)
        #expect(voted.type == .suv)
        #expect(voted.colorAgreement == .unanimous)
        #expect(voted.typeAgreement == .unanimous)
        #expect(voted.colorNames["dark gray"] == 1.0 / 3)
        #expect(voted.motions[.leftTurn] == 2.0 / 3)
        #expect(voted.locations[.intersection] == 1)
    }

    @Test func graySilverSplitIsConfusableAndKeepsTheMinority() {
        let voted = VotedQuery(descriptions: [
            "A gray sedan turns right.", "A silver sedan turns right.", "A gray sedan makes a right turn.",
        ])
        #expect(voted.color == .gray)
        #expect(abs(voted.colors.confidence - 2.0 / 3) < 1e-9)
        #expect(voted.colors.alternatives == [.silver])
        #expect(voted.colorAgreement == .confusable)
        #expect(!voted.colorAgreement.agrees)
    }

    @Test func silentDescriptionsStillAgree() {
        let voted = VotedQuery(descriptions: ["A red car turns left.", "A car turns left.", "A red SUV turns left."])
        #expect(voted.colorAgreement == .consistent)
        #expect(voted.colorAgreement.agrees)
        #expect(voted.typeAgreement == .consistent)
        #expect(voted.colors[.red] == 2.0 / 3)
    }

    @Test func conflictingAndUnnamed() {
        let conflicting = VotedQuery(descriptions: ["A red sedan.", "A blue bus.", "A white sedan."])
        #expect(conflicting.colorAgreement == .conflicting)
        #expect(conflicting.typeAgreement == .conflicting)
        #expect(VotedQuery(descriptions: ["It goes.", "Something."]).colorAgreement == .unnamed)
        #expect(VotedQuery(descriptions: [String]()).colors.isEmpty)
    }

    @Test func otherViewsCountOnlyWithWeight() {
        let nl = ["A white SUV turns left.", "A white SUV turns left.", "A silver SUV turns left."]
        let other = ["A silver SUV waits.", "A silver SUV waits."]
        let without = VotedQuery(descriptions: nl, otherViews: other)
        #expect(without.colors[.silver] == 1.0 / 3)
        #expect(without.motions[.stop] == 0)
        let with = VotedQuery(descriptions: nl, otherViews: other, otherViewWeight: 0.5)
        #expect(abs(with.colors[.silver] - 2.0 / 4) < 1e-9)
        #expect(with.motions[.stop] == 0.25)
        #expect(with.colorAgreement == without.colorAgreement)
    }

    @Test func typedUnderstandingFillsTheSharedProfile() {
        let profile = TypedUnderstanding().profile(of: [
            "A red SUV runs down a highway and is followed by a gray SUV.",
            "Red vehicle goes straight through the intersection and continues with other traffic.",
            "A red hatchback drives with a lot of other cars.",
        ])
        #expect(profile.colors.winner == .red)
        #expect(profile.colors.confidence == 1)
        #expect(profile.types[.suv] == 1.0 / 3)
        #expect(profile.types[.hatchback] == 1.0 / 3)
        #expect(profile.relations[RelationMention(kind: .followedBy, color: .gray, type: .suv)] == 1.0 / 3)
        #expect(profile.motions[.straight] == 1.0 / 3)
        #expect(profile.sizes.isEmpty)
        #expect(TypedUnderstanding().profile(of: ["A large SUV stops.", "A big SUV."]).sizes[.large] == 1)
    }

    @Test func genericCarAsSedanIsAnOption() {
        let texts = ["A white car turns left.", "A white sedan turns left."]
        #expect(TypedUnderstanding().profile(of: texts).types[.sedan] == 0.5)
        #expect(TypedUnderstanding(genericCarAsSedan: true).profile(of: texts).types[.sedan] == 1)
    }

    @Test func typedUnderstandingReadsMoreThanKeywords() {
        // The keyword baseline takes "left" anywhere for a turn and misses order and inversions.
        let texts = ["A black SUV drives in the left lane and then turns right with a white sedan behind it."]
        let typed = TypedUnderstanding().profile(of: texts)
        #expect(typed.motions[.rightTurn] == 1)
        #expect(typed.motions[.leftTurn] == 0)
        #expect(typed.relations[RelationMention(kind: .inFrontOf, color: .white, type: .sedan)] == 1)
        let keyword = KeywordUnderstanding().profile(of: texts)
        #expect(keyword.motions[.leftTurn] == 1)
    }

    @Test func ssmAugmentationsOfThePaperExample() {
        let text = "A white sedan turns left at an intersection."
        let aug = TextAugmentation(DescriptionParser().parse(text))
        #expect(aug.subject == "A white sedan. A white sedan turns left at an intersection.")
        #expect(aug.motion == "A white sedan turns left at an intersection. turns left.")
        #expect(aug.location == "A white sedan turns left at an intersection. an intersection.")
    }

    @Test func locationAugmentationQuotesTheWholePlacePhrase() {
        let aug = TextAugmentation(DescriptionParser().parse("A maroon SUV keeps straight on a curvy road."))
        #expect(aug.location == "A maroon SUV keeps straight on a curvy road. a curvy road.")
    }

    @Test func augmentationsWithNothingToRepeatKeepTheText() {
        let aug = TextAugmentation(DescriptionParser().parse("Nothing to see"))
        #expect(aug.subject == "Nothing to see")
        #expect(aug.motion == "Nothing to see")
        #expect(aug.location == "Nothing to see")
        let partial = TextAugmentation(DescriptionParser().parse("A black sedan stops and then turns left"))
        #expect(partial.motion == "A black sedan stops and then turns left. stops turns left.")
    }

    @Test func trackKeywordsFollowSSM() {
        let voted = VotedQuery(descriptions: ["A red car turns right at the intersection.", "A red car goes."])
        #expect(TextAugmentation.motionKeyword(voted) == "right")
        #expect(TextAugmentation.locationKeyword(voted) == "intersection")
        #expect(TextAugmentation.motionKeyword(VotedQuery(descriptions: ["A car."])) == "straight")
    }

    @Test func votedQueryRoundTripsThroughJSON() throws {
        let voted = VotedQuery(descriptions: ["A dark red SUV turns left followed by a white sedan.", "A red SUV stops."])
        let data = try JSONEncoder().encode(voted)
        let back = try JSONDecoder().decode(VotedQuery.self, from: data)
        #expect(back == voted)
    }

    @Test func profilesWithoutSizesStillDecode() throws {
        let profile = TypedUnderstanding().profile(of: ["A big red truck turns left followed by a white car."])
        let data = try JSONEncoder().encode(profile)
        #expect(try JSONDecoder().decode(QueryProfile.self, from: data) == profile)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["sizes"] = nil
        let old = try JSONDecoder().decode(QueryProfile.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.sizes.isEmpty)
        #expect(old.colors == profile.colors)
    }

    @Test func coverageCountsAndAgreement() {
        let coverage = ParseCoverage(tracks: [
            ["A red SUV turns left.", "A red SUV stops.", "A red car."],
            ["A gray sedan.", "A silver sedan.", "Nothing here"],
        ])
        #expect(coverage.tracks == 2)
        #expect(coverage.descriptions == 6)
        #expect(coverage.withColor == 5)
        #expect(coverage.withType == 4)
        #expect(coverage.withMotion == 2)
        #expect(coverage.empty == 1)
        #expect(coverage.colorAgreeShare == 0.5)
        #expect(coverage.colorAgreement["confusable"] == 1)
        #expect(coverage.typeAgreeShare == 1)
    }
}
