/// The shared vocabularies of Sightline. The parser, the trajectory reader, the pixel
/// classifiers, the ranking and the web filters all speak in these values, so they live in
/// the bottom module.

/// Vehicle paint colours, following the SBNet / CityFlow labelling (12 colours plus beige).
public enum VehicleColor: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case white, black, gray, silver, red, blue, green, yellow, orange, brown, gold, purple, beige

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Vehicle body types. `truck` covers every kind of truck (box, semi, mixer, ...).
public enum BodyType: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case sedan, suv, pickup, van, minivan, hatchback, wagon, coupe, bus, truck

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// What the target vehicle does, as descriptions say it and as trajectories show it (a path
/// is `straight`, `leftTurn` or `rightTurn`). `laneChange` is a lane change with no side given.
public enum Motion: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case straight
    case leftTurn = "left-turn"
    case rightTurn = "right-turn"
    case laneChangeLeft = "lane-change-left"
    case laneChangeRight = "lane-change-right"
    case laneChange = "lane-change"
    case stop
    case slowDown = "slow-down"
    case reverse
    case uTurn = "u-turn"

    /// Heading change, in degrees, at which a path becomes a turn: the trajectory's class
    /// boundary and the midpoint of the motion term's soft one.
    public static let turnDegrees = 45.0

    /// The turn class of a signed heading change in degrees (negative is left in image coordinates).
    public static func turn(headingChange degrees: Double, threshold: Double = turnDegrees) -> Motion {
        degrees <= -threshold ? .leftTurn : degrees >= threshold ? .rightTurn : .straight
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Where the target vehicle is. `curve` (a bend or winding road) and `hill` (a slope) describe
/// the road's shape; descriptions name them often and they tell camera scenes apart.
public enum Location: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case intersection, street, highway
    case parkingLot = "parking-lot"
    case ramp
    case curve, hill

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// How another vehicle relates to the target ("followed by a white sedan" is `followedBy`).
public enum RelationKind: String, CaseIterable, Codable, CodingKeyRepresentable, Sendable, Comparable {
    case followedBy = "followed-by"
    case following
    case behind
    case inFrontOf = "in-front-of"
    case nextTo = "next-to"
    case alongside
    case passing
    case leading

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}
