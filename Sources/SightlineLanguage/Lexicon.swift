import SightlineData

/// Every word list of the typed parser, in one place. Words are lower-case; multi-word entries
/// are matched longest first on word tokens (hyphens split words, so "pick-up" is "pick up").

/// Cues for motion patterns; the parser combines them ("turns" + "left" is a left turn).
enum MotionCue: Sendable, Equatable {
    case turnVerb, takeVerb, goVerb, laneVerb, moveVerb, lane
    case left, right
    case straight, through, stop, slow, reverse, uTurn, laneChange
}

/// Words that order events in time.
enum Sequencer: Sendable, Equatable {
    /// "then", "afterwards", "before": later words happen later.
    case then
    /// "after": the next event happened before the previous one.
    case after
}

/// The role of a word (or fixed phrase) for the parser.
enum Lexeme: Sendable, Equatable {
    case color(VehicleColor, ColorShade?)
    case shade(ColorShade)
    case body(BodyType, TruckKind?)
    /// A truck kind that needs a head noun ("cargo truck", "box truck"); standalone kinds are bodies.
    case truckKind(TruckKind)
    case generic(plural: Bool)
    case size(SizeClass)
    /// Articles, quantifiers and group words that start a vehicle noun phrase ("another", "a line of").
    case determiner(plural: Bool)
    /// Noun-phrase words that say nothing typed ("four door", brand names, "police").
    case filler
    case pronoun
    case relation(RelationKind)
    case location(Location)
    case motion(MotionCue)
    case negation
    /// Words that start a clause about the last-named vehicle ("that", "which").
    case relative
    case conjunction
    case sequencer(Sequencer)
    case punctuation
    case word
}

enum Lexicon {
    /// Spelling fixes applied to single tokens before lookup.
    static let spelling: [String: String] = [
        "straigt": "straight", "stright": "straight", "striaght": "straight", "staight": "straight",
        "straigh": "straight", "straights": "straight", "strait": "straight",
        "intersecion": "intersection", "ontersection": "intersection", "interesection": "intersection",
        "intersectio": "intersection", "intersections": "intersection", "intersecton": "intersection",
        "truns": "turns", "tuns": "turns", "urn": "turn",
        "seden": "sedan", "sed": "sedan", "sede": "sedan", "sedans": "sedan",
        "hatckback": "hatchback", "hatchbacks": "hatchback", "piciup": "pickup", "pickups": "pickup",
        "truk": "truck", "truch": "truck", "whit": "white", "sliver": "silver", "blu": "blue",
        "grenn": "green", "dard": "dark", "drak": "dark", "jeeo": "jeep", "jeeps": "jeep",
        "svu": "suv", "spv": "suv", "sub": "suv", "suvs": "suv",
        "vechicle": "vehicle", "vehichle": "vehicle", "behicle": "vehicle", "card": "car", "cards": "cars",
        "coup": "coupe", "waggon": "wagon", "minivans": "minivan", "vans": "van",
        "followe": "followed", "followes": "follows", "stoped": "stopped", "stoping": "stopping",
        "pbehind": "behind", "orad": "road", "lan": "lane", "bu": "by", "res": "red", "redan": "sedan",
        "colour": "color", "coloured": "colored",
    ]

    static let entries: [(String, Lexeme)] = colors + shades + bodies + sizes + nounPhraseWords
        + relations + locations + motions + grammar

    static let colors: [(String, Lexeme)] = [
        ("white", .color(.white, nil)), ("whitish", .color(.white, nil)),
        ("black", .color(.black, nil)),
        ("gray", .color(.gray, nil)), ("grey", .color(.gray, nil)), ("charcoal", .color(.gray, .dark)),
        ("silver", .color(.silver, nil)),
        ("red", .color(.red, nil)), ("reddish", .color(.red, nil)), ("maroon", .color(.red, .dark)),
        ("maroonish", .color(.red, .dark)), ("burgundy", .color(.red, .dark)), ("wine", .color(.red, .dark)),
        ("wine red", .color(.red, .dark)), ("scarlet", .color(.red, nil)), ("crimson", .color(.red, nil)),
        ("rufous", .color(.red, nil)),
        ("blue", .color(.blue, nil)), ("navy", .color(.blue, .dark)), ("navy blue", .color(.blue, .dark)),
        ("green", .color(.green, nil)), ("mint", .color(.green, .light)),
        ("yellow", .color(.yellow, nil)), ("amber", .color(.orange, nil)), ("orange", .color(.orange, nil)),
        ("brown", .color(.brown, nil)), ("bronze", .color(.brown, nil)), ("taupe", .color(.brown, nil)),
        ("gold", .color(.gold, nil)), ("golden", .color(.gold, nil)), ("champagne", .color(.gold, nil)),
        ("purple", .color(.purple, nil)),
        ("beige", .color(.beige, nil)), ("tan", .color(.beige, nil)), ("cream", .color(.beige, nil)),
        ("sand", .color(.beige, nil)),
    ]

    static let shades: [(String, Lexeme)] = [
        ("dark", .shade(.dark)), ("deep", .shade(.dark)), ("light", .shade(.light)),
        ("bright", .shade(.bright)), ("pale", .shade(.pale)), ("faint", .shade(.pale)),
        ("metallic", .shade(.metallic)),
    ]

    static let bodies: [(String, Lexeme)] = [
        ("sedan", .body(.sedan, nil)), ("saloon", .body(.sedan, nil)),
        ("suv", .body(.suv, nil)), ("crossover", .body(.suv, nil)), ("cross over", .body(.suv, nil)),
        ("jeep", .body(.suv, nil)), ("sport utility vehicle", .body(.suv, nil)),
        ("utility vehicle", .body(.suv, nil)), ("cherokee", .body(.suv, nil)), ("forester", .body(.suv, nil)),
        ("rav 4", .body(.suv, nil)), ("rav4", .body(.suv, nil)),
        ("pickup", .body(.pickup, nil)), ("pick up", .body(.pickup, nil)), ("pickup truck", .body(.pickup, nil)),
        ("pick up truck", .body(.pickup, nil)),
        ("van", .body(.van, nil)), ("minivan", .body(.minivan, nil)), ("mini van", .body(.minivan, nil)),
        ("mpv", .body(.minivan, nil)), ("sienna", .body(.minivan, nil)), ("caravan", .body(.minivan, nil)),
        ("hatchback", .body(.hatchback, nil)), ("hatch back", .body(.hatchback, nil)),
        ("mini cooper", .body(.hatchback, nil)), ("prius", .body(.hatchback, nil)),
        ("volkswagen bug", .body(.hatchback, nil)),
        ("wagon", .body(.wagon, nil)), ("station wagon", .body(.wagon, nil)), ("estate", .body(.wagon, nil)),
        ("coupe", .body(.coupe, nil)), ("sports car", .body(.coupe, nil)), ("sport car", .body(.coupe, nil)),
        ("muscle car", .body(.coupe, nil)), ("mustang", .body(.coupe, nil)), ("convertible", .body(.coupe, nil)),
        ("bus", .body(.bus, nil)), ("buses", .body(.bus, nil)), ("coach", .body(.bus, nil)),
        ("truck", .body(.truck, nil)), ("trucks", .body(.truck, nil)), ("lorry", .body(.truck, nil)),
        ("semi", .body(.truck, .semi)), ("semi truck", .body(.truck, .semi)),
        ("18 wheeler", .body(.truck, .semi)), ("eighteen wheeler", .body(.truck, .semi)),
        ("tractor trailer", .body(.truck, .tractor)), ("tractor", .body(.truck, .tractor)),
        ("trailer truck", .body(.truck, .semi)),
        ("mixer", .body(.truck, .mixer)), ("cement mixer", .body(.truck, .mixer)),
        ("concrete mixer", .body(.truck, .mixer)), ("cement truck", .body(.truck, .mixer)),
        ("tanker", .body(.truck, .tanker)), ("flatbed", .body(.truck, .flatbed)),
        ("box truck", .body(.truck, .box)), ("dump truck", .body(.truck, .dump)),
        ("tow truck", .body(.truck, .tow)), ("garbage truck", .body(.truck, .garbage)),
        ("fire truck", .body(.truck, .fire)), ("firetruck", .body(.truck, .fire)),
        ("car", .generic(plural: false)), ("vehicle", .generic(plural: false)),
        ("automobile", .generic(plural: false)), ("cars", .generic(plural: true)),
        ("vehicles", .generic(plural: true)), ("traffic", .generic(plural: true)),
        ("queue", .generic(plural: true)), ("others", .generic(plural: true)),
        ("cargo", .truckKind(.cargo)), ("box", .truckKind(.box)),
        ("delivery", .truckKind(.delivery)), ("container", .truckKind(.container)),
        ("dump", .truckKind(.dump)), ("tow", .truckKind(.tow)),
        ("garbage", .truckKind(.garbage)),
    ]

    static let sizes: [(String, Lexeme)] = [
        ("big", .size(.large)), ("bigger", .size(.large)), ("large", .size(.large)), ("larger", .size(.large)),
        ("huge", .size(.large)), ("giant", .size(.large)), ("massive", .size(.large)), ("long", .size(.large)),
        ("full size", .size(.large)), ("full sized", .size(.large)), ("heavy", .size(.large)),
        ("small", .size(.small)), ("smaller", .size(.small)), ("little", .size(.small)), ("tiny", .size(.small)),
        ("compact", .size(.small)), ("subcompact", .size(.small)),
        ("short", .size(.small)),
        ("midsize", .size(.medium)), ("midsized", .size(.medium)), ("mid size", .size(.medium)),
        ("mid sized", .size(.medium)), ("medium", .size(.medium)), ("medium sized", .size(.medium)),
        ("medium size", .size(.medium)),
    ]

    static let nounPhraseWords: [(String, Lexeme)] = [
        ("a", .determiner(plural: false)), ("an", .determiner(plural: false)), ("aa", .determiner(plural: false)),
        ("the", .determiner(plural: false)), ("another", .determiner(plural: false)),
        ("one", .determiner(plural: false)), ("other", .determiner(plural: true)),
        ("some", .determiner(plural: true)), ("many", .determiner(plural: true)),
        ("several", .determiner(plural: true)), ("multiple", .determiner(plural: true)),
        ("few", .determiner(plural: true)), ("more", .determiner(plural: true)), ("two", .determiner(plural: true)),
        ("three", .determiner(plural: true)), ("four", .determiner(plural: true)),
        ("five", .determiner(plural: true)), ("2", .determiner(plural: true)), ("3", .determiner(plural: true)),
        ("parked", .determiner(plural: false)), ("oncoming", .determiner(plural: false)),
        ("a lot of", .determiner(plural: true)), ("lots of", .determiner(plural: true)),
        ("a line of", .determiner(plural: true)), ("line of", .determiner(plural: true)),
        ("a group of", .determiner(plural: true)), ("group of", .determiner(plural: true)),
        ("a row of", .determiner(plural: true)), ("a queue of", .determiner(plural: true)),
        ("a couple of", .determiner(plural: true)), ("a couple", .determiner(plural: true)),
        ("a bunch of", .determiner(plural: true)), ("a parked line of", .determiner(plural: true)),
        ("door", .filler), ("doors", .filler), ("4 door", .filler), ("four door", .filler), ("2 door", .filler),
        ("two door", .filler), ("color", .filler), ("colored", .filler), ("sized", .filler),
        ("sport", .filler), ("sports", .filler), ("police", .filler), ("taxi", .filler), ("family", .filler),
        ("luxury", .filler), ("dirty", .filler), ("muddy", .filler), ("old", .filler), ("new", .filler),
        ("shiny", .filler), ("passenger", .filler), ("commercial", .filler), ("utility", .filler),
        ("grand", .filler), ("trailer", .filler),
    ] + brands.sorted().map { ($0, .filler) }

    /// Makers: a filler before a body word ("Ford Mustang"), the head noun otherwise ("a black Toyota").
    static let brands: Set<String> = [
        "toyota", "honda", "ford", "chevrolet", "chevy", "chevvy", "nissan", "subaru", "suburu", "hyundai",
        "bmw", "audi", "mercedes", "volvo", "dodge", "buick", "cadillac", "chrysler", "volkswagen", "kia",
        "lexus", "mazda", "tesla", "ram",
    ]

    static let relations: [(String, Lexeme)] = [
        ("followed by", .relation(.followedBy)), ("followed closely by", .relation(.followedBy)),
        ("followed behind by", .relation(.followedBy)),
        ("followed distantly by", .relation(.followedBy)), ("tailed by", .relation(.followedBy)),
        ("tailgated by", .relation(.followedBy)), ("trailed by", .relation(.followedBy)),
        ("following", .relation(.following)), ("follows", .relation(.following)),
        ("follow", .relation(.following)), ("followed", .relation(.following)),
        ("trailing", .relation(.following)), ("tailing", .relation(.following)),
        ("tailgates", .relation(.following)), ("tailgating", .relation(.following)),
        ("preceded by", .relation(.following)), ("after", .relation(.following)),
        ("behind", .relation(.behind)),
        ("in front of", .relation(.inFrontOf)), ("ahead of", .relation(.inFrontOf)), ("ahead", .relation(.inFrontOf)),
        ("next to", .relation(.nextTo)), ("beside", .relation(.nextTo)), ("besides", .relation(.nextTo)),
        ("alongside", .relation(.alongside)), ("along side", .relation(.alongside)),
        ("along with", .relation(.alongside)), ("in between", .relation(.alongside)),
        ("between", .relation(.alongside)), ("overtaken by", .relation(.alongside)),
        ("passed by", .relation(.alongside)),
        ("passing", .relation(.passing)), ("passes", .relation(.passing)), ("pass", .relation(.passing)),
        ("passed", .relation(.passing)), ("past", .relation(.passing)), ("overtakes", .relation(.passing)),
        ("overtaking", .relation(.passing)), ("overtake", .relation(.passing)), ("overruns", .relation(.passing)),
        ("leading", .relation(.leading)), ("leads", .relation(.leading)), ("lead", .relation(.leading)),
    ]

    static let locations: [(String, Lexeme)] = [
        ("intersection", .location(.intersection)), ("junction", .location(.intersection)),
        ("crossroad", .location(.intersection)), ("crossroads", .location(.intersection)),
        ("cross road", .location(.intersection)), ("xroad", .location(.intersection)),
        ("xcross", .location(.intersection)), ("y cross", .location(.intersection)),
        ("crosswalk", .location(.intersection)), ("traffic light", .location(.intersection)),
        ("traffic lights", .location(.intersection)), ("traffic signal", .location(.intersection)),
        ("stoplight", .location(.intersection)), ("stop light", .location(.intersection)),
        ("stop sign", .location(.intersection)), ("yield sign", .location(.intersection)),
        ("corner", .location(.intersection)), ("a crossing", .location(.intersection)),
        ("the crossing", .location(.intersection)),
        ("street", .location(.street)), ("streets", .location(.street)), ("road", .location(.street)),
        ("roads", .location(.street)), ("avenue", .location(.street)), ("roadway", .location(.street)),
        ("thoroughfare", .location(.street)), ("boulevard", .location(.street)),
        ("highway", .location(.highway)), ("freeway", .location(.highway)), ("expressway", .location(.highway)),
        ("interstate", .location(.highway)), ("motorway", .location(.highway)),
        ("parking lot", .location(.parkingLot)), ("parking space", .location(.parkingLot)),
        ("parking spot", .location(.parkingLot)), ("parking area", .location(.parkingLot)),
        ("parking garage", .location(.parkingLot)), ("the parking", .location(.parkingLot)),
        ("gas station", .location(.parkingLot)), ("car park", .location(.parkingLot)),
        ("ramp", .location(.ramp)), ("on ramp", .location(.ramp)), ("off ramp", .location(.ramp)),
        ("exit", .location(.ramp)), ("slip road", .location(.ramp)),
        ("curve", .location(.curve)), ("curves", .location(.curve)), ("curvy", .location(.curve)),
        ("curved", .location(.curve)), ("curving", .location(.curve)), ("bend", .location(.curve)),
        ("bends", .location(.curve)), ("bendy", .location(.curve)), ("bending", .location(.curve)),
        ("winding", .location(.curve)), ("s curve", .location(.curve)),
        ("s shaped", .location(.curve)), ("s shape", .location(.curve)), ("u curve", .location(.curve)),
        ("hill", .location(.hill)), ("slope", .location(.hill)), ("uphill", .location(.hill)),
        ("downhill", .location(.hill)), ("incline", .location(.hill)),
    ]

    static let motions: [(String, Lexeme)] = [
        ("turn", .motion(.turnVerb)), ("turns", .motion(.turnVerb)), ("turning", .motion(.turnVerb)),
        ("turned", .motion(.turnVerb)), ("banks", .motion(.turnVerb)), ("veers", .motion(.turnVerb)),
        ("make", .motion(.takeVerb)), ("makes", .motion(.takeVerb)), ("making", .motion(.takeVerb)),
        ("made", .motion(.takeVerb)), ("take", .motion(.takeVerb)), ("takes", .motion(.takeVerb)),
        ("taking", .motion(.takeVerb)), ("took", .motion(.takeVerb)), ("pulls", .motion(.takeVerb)),
        ("completes", .motion(.takeVerb)), ("does", .motion(.takeVerb)),
        ("goes", .motion(.goVerb)), ("heads", .motion(.goVerb)), ("heading", .motion(.goVerb)),
        ("bears", .motion(.goVerb)), ("going", .motion(.goVerb)), ("go", .motion(.goVerb)), ("went", .motion(.goVerb)),
        ("headed", .motion(.goVerb)),
        ("change", .motion(.laneVerb)), ("changes", .motion(.laneVerb)), ("changed", .motion(.laneVerb)),
        ("changing", .motion(.laneVerb)), ("switch", .motion(.laneVerb)), ("switches", .motion(.laneVerb)),
        ("switched", .motion(.laneVerb)), ("switching", .motion(.laneVerb)), ("swithches", .motion(.laneVerb)),
        ("merge", .motion(.laneVerb)), ("merges", .motion(.laneVerb)), ("merged", .motion(.laneVerb)),
        ("merging", .motion(.laneVerb)), ("shifts", .motion(.laneVerb)),
        ("moves", .motion(.moveVerb)), ("move", .motion(.moveVerb)), ("moving", .motion(.moveVerb)),
        ("gets", .motion(.moveVerb)),
        ("lane", .motion(.lane)), ("lanes", .motion(.lane)),
        ("lane change", .motion(.laneChange)), ("lane changes", .motion(.laneChange)),
        ("left", .motion(.left)), ("leftward", .motion(.left)), ("leftwards", .motion(.left)),
        ("right", .motion(.right)), ("rightward", .motion(.right)), ("rightwards", .motion(.right)),
        ("left hand", .motion(.left)), ("right hand", .motion(.right)),
        ("straight", .motion(.straight)), ("straight ahead", .motion(.straight)), ("forward", .motion(.straight)),
        ("forwards", .motion(.straight)), ("foward", .motion(.straight)),
        ("through", .motion(.through)), ("thru", .motion(.through)), ("across", .motion(.through)),
        ("crosses", .motion(.through)), ("cross", .motion(.through)), ("crossed", .motion(.through)),
        ("crossing", .motion(.through)),
        ("stop", .motion(.stop)), ("stops", .motion(.stop)), ("stopped", .motion(.stop)),
        ("stopping", .motion(.stop)), ("halt", .motion(.stop)), ("halts", .motion(.stop)),
        ("halted", .motion(.stop)), ("wait", .motion(.stop)), ("waits", .motion(.stop)),
        ("waiting", .motion(.stop)), ("waited", .motion(.stop)), ("pause", .motion(.stop)),
        ("pauses", .motion(.stop)), ("paused", .motion(.stop)), ("parks", .motion(.stop)),
        ("parking", .motion(.stop)), ("stands", .motion(.stop)), ("standing", .motion(.stop)),
        ("stationary", .motion(.stop)), ("stuck", .motion(.stop)), ("idles", .motion(.stop)),
        ("idling", .motion(.stop)),
        ("slow", .motion(.slow)), ("slows", .motion(.slow)), ("slowing", .motion(.slow)),
        ("slowed", .motion(.slow)), ("slowly", .motion(.slow)), ("decelerates", .motion(.slow)),
        ("decelerating", .motion(.slow)), ("brakes", .motion(.slow)), ("braking", .motion(.slow)),
        ("hesitates", .motion(.slow)), ("hesitated", .motion(.slow)), ("yields", .motion(.slow)),
        ("yield", .motion(.slow)), ("yielding", .motion(.slow)),
        ("reverse", .motion(.reverse)), ("reverses", .motion(.reverse)), ("reversing", .motion(.reverse)),
        ("backs up", .motion(.reverse)), ("backing up", .motion(.reverse)), ("back up", .motion(.reverse)),
        ("backward", .motion(.reverse)), ("backwards", .motion(.reverse)), ("backs out", .motion(.reverse)),
        ("u turn", .motion(.uTurn)), ("u turns", .motion(.uTurn)), ("uturn", .motion(.uTurn)),
        ("turns around", .motion(.uTurn)), ("turn around", .motion(.uTurn)),
        ("turned around", .motion(.uTurn)), ("turning around", .motion(.uTurn)),
    ]

    static let grammar: [(String, Lexeme)] = [
        ("it", .pronoun), ("him", .pronoun), ("itself", .pronoun), ("them", .pronoun), ("you", .pronoun),
        ("turn signal", .word), ("turn signals", .word), ("turning signal", .word),
        ("without", .negation), ("not", .negation), ("no", .negation), ("never", .negation),
        ("doesn t", .negation), ("does not", .negation),
        ("that", .relative), ("which", .relative), ("who", .relative),
        ("and", .conjunction), ("or", .conjunction), ("but", .conjunction), ("while", .conjunction),
        ("as", .conjunction), ("when", .conjunction), ("until", .conjunction), ("till", .conjunction),
        ("where", .conjunction), ("because", .conjunction),
        ("then", .sequencer(.then)), ("and then", .sequencer(.then)), ("afterwards", .sequencer(.then)),
        ("afterward", .sequencer(.then)), ("after that", .sequencer(.then)), ("later", .sequencer(.then)),
        ("finally", .sequencer(.then)), ("before", .sequencer(.then)), ("eventually", .sequencer(.then)),
    ]

    /// Adverbs allowed between a relation word and its vehicle ("followed closely", "right behind").
    static let relationAdverbs: Set<String> = ["closely", "directly", "just", "immediately", "slightly", "far"]

    /// Words allowed between a turn verb and its direction ("turns to the left").
    static let turnGap: Set<String> = [
        "to", "the", "a", "an", "slight", "slightly", "sharp", "sharply", "hard", "wide", "quick",
        "gentle", "soft", "its", "his", "u", "another", "little", "bit", "and",
    ]

    /// Words after "left"/"right" that make it a side, not a direction ("the right lane").
    static let sideNouns: Set<String> = ["lane", "lanes", "side", "hand", "most", "line", "sidewalk", "shoulder"]

    /// Prepositions that end a place phrase when walking back from the place word.
    static let placeBoundaries: Set<String> = [
        "at", "on", "in", "into", "onto", "unto", "to", "through", "thru", "down", "up", "across", "from",
        "near", "of", "along", "around", "over", "toward", "towards", "past", "by", "with", "off", "for",
        "enters", "exits", "leaves", "approaching", "approaches", "reaching", "is", "are",
    ]

    /// Phrase table keyed by first word, longest phrase first.
    static let table: [String: [([String], Lexeme)]] = {
        var byFirst: [String: [([String], Lexeme)]] = [:]
        for (phrase, lexeme) in entries {
            let words = phrase.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            byFirst[first, default: []].append((words, lexeme))
        }
        return byFirst.mapValues { $0.sorted { $0.0.count > $1.0.count } }
    }()
}
