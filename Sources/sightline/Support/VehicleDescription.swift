import Foundation
import SightlineData

/// Colour and type distributions of one crop or track, printed as text or JSON.
struct VehicleDescription {
    var colours: [VehicleColor: Double]
    var types: [BodyType: Double]

    func text() -> String {
        func line<K: RawRepresentable>(_ d: [K: Double]) -> String where K.RawValue == String {
            d.isEmpty ? "-" : d.sorted { $0.value > $1.value }.prefix(4).map { String(format: "%@ %.2f", $0.key.rawValue, $0.value) }.joined(separator: ", ")
        }
        return "colour: \(line(colours))\ntype: \(line(types))"
    }

    /// The JSON of `describe-image`: `{colour: {name: p}, type: {name: p}}`.
    struct Distributions: Encodable {
        var colour: [String: Double]
        var type: [String: Double]
    }

    var distributions: Distributions {
        Distributions(colour: Dictionary(uniqueKeysWithValues: colours.map { ($0.key.rawValue, $0.value) }),
                      type: Dictionary(uniqueKeysWithValues: types.map { ($0.key.rawValue, $0.value) }))
    }
}
