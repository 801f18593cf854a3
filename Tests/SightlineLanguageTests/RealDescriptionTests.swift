import SightlineData
@testable import SightlineLanguage
import Testing

/// One real CityFlow-NL description (train-nl.json unless marked) and its parse, written by hand.
struct Expected: CustomTestStringConvertible, Sendable {
    var text: String
    var color: VehicleColor?
    var type: BodyType?
    var shade: ColorShade?
    var truck: TruckKind?
    var size: SizeClass?
    var motions: [Motion] = []
    var places: Set<Location> = []
    var relations: [Rel] = []

    var testDescription: String { text }
}

struct Rel: Equatable, Sendable, CustomStringConvertible {
    var kind: RelationKind
    var color: VehicleColor?
    var type: BodyType?

    init(_ kind: RelationKind, _ color: VehicleColor? = nil, _ type: BodyType? = nil) {
        self.kind = kind
        self.color = color
        self.type = type
    }

    var description: String { "\(kind.rawValue) \(color?.rawValue ?? "-") \(type?.rawValue ?? "-")" }
}

let realDescriptions: [Expected] = [
    // colours, shades and spelling variants
    Expected(text: "A silver jeep drives straight down the road.", color: .silver, type: .suv, motions: [.straight], places: [.street]),
    Expected(text: "A maroon SUV turns left through the middle of a street.", color: .red, type: .suv, shade: .dark, motions: [.leftTurn], places: [.street]),
    Expected(text: "A dark blue wagon pulls a U turn in the middle of the street.", color: .blue, type: .wagon, shade: .dark, motions: [.uTurn], places: [.street]),
    Expected(text: "A light gray van begins to make a left turn through an intersection.", color: .gray, type: .van, shade: .light, motions: [.leftTurn], places: [.intersection]),
    Expected(text: "A deep grey cross-over crosses the street when the light turns green.", color: .gray, type: .suv, shade: .dark, motions: [.straight], places: [.street, .intersection]),
    Expected(text: "A sliver sedan driving down a two lane road in high traffic.", color: .silver, type: .sedan, places: [.street]),
    Expected(text: "A dark SUV turns left at an intersection before traveling straight in the right lane.", type: .suv, shade: .dark, motions: [.leftTurn, .straight], places: [.intersection]),
    Expected(text: "A wine-red SUV runs down the street not yielding to a pedestrian.", color: .red, type: .suv, shade: .dark, places: [.street]),
    Expected(text: "A black Sedan stopped at the intersection.", color: .black, type: .sedan, motions: [.stop], places: [.intersection]),
    Expected(text: "An orange car drives up a hill.", color: .orange, places: [.hill]),
    Expected(text: "A brown MPV goes straight.", color: .brown, type: .minivan, motions: [.straight]),
    Expected(text: "Black color small car goes straight.", color: .black, size: .small, motions: [.straight]),
    // body types, truck kinds and synonyms
    Expected(text: "A silver cross-over takes a left turn.", color: .silver, type: .suv, motions: [.leftTurn]),
    Expected(text: "Grey suv going left.", color: .gray, type: .suv, motions: [.leftTurn]),
    Expected(text: "A silver Jeep runs down the street and turns left and right along the street.", color: .silver, type: .suv, motions: [.leftTurn, .rightTurn], places: [.street]),
    Expected(text: "A white pickup truck runs straight and is followed by another pick-up truck.", color: .white, type: .pickup, motions: [.straight], relations: [Rel(.followedBy, nil, .pickup)]),
    Expected(text: "A semi-truck following behind another semi.", type: .truck, truck: .semi, relations: [Rel(.following, nil, .truck)]),
    Expected(text: "A large tractor-trailer is driving straight.", type: .truck, truck: .tractor, size: .large, motions: [.straight]),
    Expected(text: "Large gray truck goes straight down the road beside an 18 wheeler.", color: .gray, type: .truck, size: .large, motions: [.straight], places: [.street], relations: [Rel(.nextTo, nil, .truck)]),
    Expected(text: "A red cargo truck pulls a cement mixer.", color: .red, type: .truck, truck: .cargo),
    Expected(text: "An empty cargo truck drives straight up a hill in the right lane.", type: .truck, truck: .cargo, motions: [.straight], places: [.hill]),
    Expected(text: "A white mini van driving straight down the street behind a white pickup truck.", color: .white, type: .minivan, motions: [.straight], places: [.street], relations: [Rel(.behind, .white, .pickup)]),
    Expected(text: "A red Volkswagen bug drives down a city street.", color: .red, type: .hatchback, places: [.street]),
    Expected(text: "A white Ford Mustang continues straight.", color: .white, type: .coupe, motions: [.straight]),
    Expected(text: "A gray Toyota Prius crosses the intersection.", color: .gray, type: .hatchback, motions: [.straight], places: [.intersection]),
    Expected(text: "A taxi van turns right and drives straight down a road.", type: .van, motions: [.rightTurn, .straight], places: [.street]),
    Expected(text: "The vehicle is a pickup truck that is moving straight.", type: .pickup, motions: [.straight]),
    Expected(text: "A white coupe follows a black vehicle in a stright line.", color: .white, type: .coupe, motions: [.straight], relations: [Rel(.following, .black)]),
    Expected(text: "A blue coach is going straight.", color: .blue, type: .bus, motions: [.straight]),
    // sizes
    Expected(text: "A large SUV stops at the intersection before turning right.", type: .suv, size: .large, motions: [.stop, .rightTurn], places: [.intersection]),
    Expected(text: "A small red hatchback turns right and drives straight ahead.", color: .red, type: .hatchback, size: .small, motions: [.rightTurn, .straight]),
    Expected(text: "A black big sedan runs straight down the highway.", color: .black, type: .sedan, size: .large, motions: [.straight], places: [.highway]),
    Expected(text: "A midsize black Sedan is running on the right side of the highway.", color: .black, type: .sedan, size: .medium, places: [.highway]),
    Expected(text: "A giant black pickup truck makes a U-turn on the street.", color: .black, type: .pickup, size: .large, motions: [.uTurn], places: [.street]),
    // motions and their order
    Expected(text: "A large burgundy SUV going straight after having made a left turn on an intersection.", color: .red, type: .suv, shade: .dark, size: .large, motions: [.leftTurn, .straight], places: [.intersection]),
    Expected(text: "A black sedan first stops at an intersection then makes a left turn.", color: .black, type: .sedan, motions: [.stop, .leftTurn], places: [.intersection]),
    Expected(text: "A black SUV yielding before turning left on an intersection.", color: .black, type: .suv, motions: [.slowDown, .leftTurn], places: [.intersection]),
    Expected(text: "Gray sedan hesitates then turn left.", color: .gray, type: .sedan, motions: [.slowDown, .leftTurn]),
    Expected(text: "Silver SUV makes a left turn after stopping at intersection.", color: .silver, type: .suv, motions: [.stop, .leftTurn], places: [.intersection]),
    Expected(text: "A dark blue mid-sized SUV is driving straight after waiting at the light.", color: .blue, type: .suv, shade: .dark, size: .medium, motions: [.stop, .straight], places: [.intersection]),
    Expected(text: "A black pick-up truck turns right then parks behind another car.", color: .black, type: .pickup, motions: [.rightTurn, .stop], relations: [Rel(.behind)]),
    Expected(text: "A white SUV with a sunroof stops at a stop sign then proceeds straight through the intersection when it is safe to do so.", color: .white, type: .suv, motions: [.stop, .straight], places: [.intersection]),
    Expected(text: "White car stopped at intersection then makes a right turn onto the street.", color: .white, motions: [.stop, .rightTurn], places: [.intersection, .street]),
    Expected(text: "A gray SUV goes straight across the traffic light and turns left.", color: .gray, type: .suv, motions: [.straight, .leftTurn], places: [.intersection]),
    Expected(text: "A white wagon turns around at the intersection.", color: .white, type: .wagon, motions: [.uTurn], places: [.intersection]),
    Expected(text: "A white pickup slowing down and keeping straight on the intersection.", color: .white, type: .pickup, motions: [.slowDown, .straight], places: [.intersection]),
    Expected(text: "A black SUV enters an intersection without stopping and turns right.", color: .black, type: .suv, motions: [.rightTurn], places: [.intersection]),
    Expected(text: "A blue sedan is driving straight through an intersection and not stopping.", color: .blue, type: .sedan, motions: [.straight], places: [.intersection]),
    Expected(text: "A black sedan switch lane to left.", color: .black, type: .sedan, motions: [.laneChangeLeft]),
    Expected(text: "A white sedan switches lane to the right.", color: .white, type: .sedan, motions: [.laneChangeRight]),
    Expected(text: "White vehicle gradually switches lanes.", color: .white, motions: [.laneChange]),
    Expected(text: "A black cross over merges right.", color: .black, type: .suv, motions: [.laneChangeRight]),
    Expected(text: "A white suv merges into the left lan.", color: .white, type: .suv, motions: [.laneChangeLeft]),
    Expected(text: "A black SUV turns left into the left lane and continues straight.", color: .black, type: .suv, motions: [.leftTurn, .straight]),
    Expected(text: "A purple jeep completes a left hand turn.", color: .purple, type: .suv, motions: [.leftTurn]),
    Expected(text: "A scarlet SUV stops at an intersection then crosses it.", color: .red, type: .suv, motions: [.stop, .straight], places: [.intersection]),
    Expected(text: "A silver sedan keeps straight and then puts on it's right turn signal.", color: .silver, type: .sedan, motions: [.straight]),
    Expected(text: "A red van turns left onto the main street and turns right shortly after keeping straight.", color: .red, type: .van, motions: [.leftTurn, .straight, .rightTurn], places: [.street]),
    Expected(text: "A gray pickup truck runs down the S-shaped street.", color: .gray, type: .pickup, places: [.curve, .street]),
    // places
    Expected(text: "A white sub stops at the parking lot exit.", color: .white, type: .suv, motions: [.stop], places: [.parkingLot, .ramp]),
    Expected(text: "A maroon SUV keeps straight on a curvy road.", color: .red, type: .suv, shade: .dark, motions: [.straight], places: [.curve, .street]),
    Expected(text: "A silver hatchback turns right into a parking lot.", color: .silver, type: .hatchback, motions: [.rightTurn], places: [.parkingLot]),
    Expected(text: "A midsize gray SUV drives down a highway behind a green car.", color: .gray, type: .suv, size: .medium, places: [.highway], relations: [Rel(.behind, .green)]),
    Expected(text: "It is a silver SUV driving alone on a 2 lane road.", color: .silver, type: .suv, places: [.street]),
    // relations, one or more per relation word
    Expected(text: "A silver sedan keeps straight following a white SUV.", color: .silver, type: .sedan, motions: [.straight], relations: [Rel(.following, .white, .suv)]),
    Expected(text: "A red sedan switches lane to left and follows a white SUV.", color: .red, type: .sedan, motions: [.laneChangeLeft], relations: [Rel(.following, .white, .suv)]),
    Expected(text: "A gray sedan switches lane to right after another red vehicle.", color: .gray, type: .sedan, motions: [.laneChangeRight], relations: [Rel(.following, .red)]),
    Expected(text: "A white SUV runs down the street followed another black vehicle.", color: .white, type: .suv, places: [.street], relations: [Rel(.followedBy, .black)]),
    Expected(text: "A grey sedan moving straight being followed by a SUV.", color: .gray, type: .sedan, motions: [.straight], relations: [Rel(.followedBy, nil, .suv)]),
    Expected(text: "A red SUV runs down a highway and is followed by a gray SUV.", color: .red, type: .suv, places: [.highway], relations: [Rel(.followedBy, .gray, .suv)]),
    Expected(text: "A black pickup truck turns around at the intersection followed by another gray vehicle.", color: .black, type: .pickup, motions: [.uTurn], places: [.intersection], relations: [Rel(.followedBy, .gray)]),
    Expected(text: "Silver SUV keeps straight behind a white SUV.", color: .silver, type: .suv, motions: [.straight], relations: [Rel(.behind, .white, .suv)]),
    Expected(text: "A black sedan drives slowly behind another vehicle.", color: .black, type: .sedan, motions: [.slowDown], relations: [Rel(.behind)]),
    Expected(text: "A yellow sedan keeps straight and slows down behind traffic.", color: .yellow, type: .sedan, motions: [.straight, .slowDown], relations: [Rel(.behind)]),
    Expected(text: "White SUV keeps straight behind a line of vehicles.", color: .white, type: .suv, motions: [.straight], relations: [Rel(.behind)]),
    Expected(text: "A purple crossover drives forward through an intersection with a black sedan behind it.", color: .purple, type: .suv, motions: [.straight], places: [.intersection], relations: [Rel(.inFrontOf, .black, .sedan)]),
    Expected(text: "A white vehicle travels in the right lane in front of a cement truck.", color: .white, relations: [Rel(.inFrontOf, nil, .truck)]),
    Expected(text: "A gray SUV goes straight at an intersection ahead of a black vehicle which goes right.", color: .gray, type: .suv, motions: [.straight], places: [.intersection], relations: [Rel(.inFrontOf, .black)]),
    Expected(text: "Silver SUV with pickup truck ahead and another vehicle behind it.", color: .silver, type: .suv, relations: [Rel(.behind, nil, .pickup), Rel(.inFrontOf)]),
    Expected(text: "Grey SUV with a red SUV up ahead.", color: .gray, type: .suv, relations: [Rel(.behind, .red, .suv)]),
    Expected(text: "A white truck driving down the street with a white SUV following behind.", color: .white, type: .truck, places: [.street], relations: [Rel(.inFrontOf, .white, .suv)]),
    Expected(text: "A blue SUV drives up a hill next to a black sedan.", color: .blue, type: .suv, places: [.hill], relations: [Rel(.nextTo, .black, .sedan)]),
    Expected(text: "A gray SUV drives in the left lane next to cargo trucks.", color: .gray, type: .suv, relations: [Rel(.nextTo, nil, .truck)]),
    Expected(text: "A maroon sedan runs down the road alongside many parked vehicles.", color: .red, type: .sedan, shade: .dark, places: [.street], relations: [Rel(.alongside)]),
    Expected(text: "A gray SUV runs down the street and passes parked cars.", color: .gray, type: .suv, places: [.street], relations: [Rel(.passing)]),
    Expected(text: "A midsize white vehicle slow down while passing  a bus.", color: .white, size: .medium, motions: [.slowDown], relations: [Rel(.passing, nil, .bus)]),
    Expected(text: "A black van keeps straight and overtakes a red vehicle.", color: .black, type: .van, motions: [.straight], relations: [Rel(.passing, .red)]),
    Expected(text: "An orange SUV keeps straight and is overtaken by a black Toyota.", color: .orange, type: .suv, motions: [.straight], relations: [Rel(.alongside, .black)]),
    Expected(text: "A silver pickup truck followed by a white SUV turns left.", color: .silver, type: .pickup, motions: [.leftTurn], relations: [Rel(.followedBy, .white, .suv)]),
    Expected(text: "A small maroon sedan takes a right at an intersection after a maroon suv turns right.", color: .red, type: .sedan, shade: .dark, size: .small, motions: [.rightTurn], places: [.intersection], relations: [Rel(.following, .red, .suv)]),
    Expected(text: "A light gray sedan drives straight preceded by a larger white car and followed by a blue car of the same size.", color: .gray, type: .sedan, shade: .light, motions: [.straight], relations: [Rel(.following, .white), Rel(.followedBy, .blue)]),
    Expected(text: "A  black wagon going straight down the street with cars parking on the side.", color: .black, type: .wagon, motions: [.straight], places: [.street]),
    // val-tracks.json: the only "leading" / "leads" in the data
    Expected(text: "A pickup leads others.", type: .pickup, relations: [Rel(.leading)]),
    Expected(text: "A white pick up leading others.", color: .white, type: .pickup, relations: [Rel(.leading)]),
]

@Suite("Real descriptions")
struct RealDescriptionTests {
    let parser = DescriptionParser()

    @Test("hand-written parses", arguments: realDescriptions)
    func parse(_ expected: Expected) {
        let q = parser.parse(expected.text)
        #expect(q.color == expected.color)
        #expect(q.type == expected.type)
        #expect(q.target?.colors.first?.shade == expected.shade)
        #expect(q.target?.truckKind == expected.truck)
        #expect(q.target?.size == expected.size)
        #expect(q.motions.map(\.motion) == expected.motions)
        #expect(Set(q.locations.map(\.location)) == expected.places)
        #expect(q.relations.map { Rel($0.kind, $0.other.color, $0.other.type) } == expected.relations)
    }

    @Test func atLeastSixtyCasesCoverEveryField() {
        #expect(realDescriptions.count >= 60)
        #expect(Set(realDescriptions.flatMap(\.motions)).isSuperset(of: Motion.allCases.filter { $0 != .reverse }))
        #expect(Set(realDescriptions.flatMap(\.places)) == Set(Location.allCases))
        #expect(Set(realDescriptions.flatMap(\.relations).map(\.kind)) == Set(RelationKind.allCases))
        #expect(Set(realDescriptions.compactMap(\.size)) == Set(SizeClass.allCases))
    }

    @Test func spansPointAtTheWords() throws {
        let text = "A large burgundy SUV going straight after having made a left turn on an intersection."
        let q = parser.parse(text)
        let target = try #require(q.target)
        #expect(target.span.substring(of: text) == "A large burgundy SUV")
        #expect(target.colors.first?.span.substring(of: text) == "burgundy")
        #expect(target.typeSpan?.substring(of: text) == "SUV")
        #expect(target.sizeSpan?.substring(of: text) == "large")
        #expect(q.motions.map { $0.span.substring(of: text) } == ["made a left turn", "straight"])
        #expect(q.motions.map(\.step) == [0, 1])
        #expect(q.locations.first?.phraseSpan.substring(of: text) == "an intersection")
    }

    @Test func relationSpansCoverRelationWordsAndVehicle() throws {
        let text = "A red SUV runs down a highway and is followed by a gray SUV."
        let relation = try #require(parser.parse(text).relations.first)
        #expect(relation.span.substring(of: text) == "followed by")
        #expect(relation.other.span.substring(of: text) == "a gray SUV")
        #expect(!relation.isInverted)
    }

    @Test func shadedColourSpanIncludesTheShade() throws {
        let text = "A dark blue wagon pulls a U turn in the middle of the street."
        let color = try #require(parser.parse(text).target?.colors.first)
        #expect(color.span.substring(of: text) == "dark blue")
        #expect(color.name == "dark blue")
    }

    @Test func reverseIsRead() {
        // No train description reverses; this wording follows the data's style.
        #expect(parser.parse("A white SUV backs up into a parking space.").motions.map(\.motion) == [.reverse])
    }
}
