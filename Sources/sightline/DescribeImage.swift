import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlineEngine
import SightlinePixels

/// Options of the commands that name colours and types of vehicle crops.
struct DescriberOptions: ParsableArguments {
    @Flag(help: "Colour only: skip the EfficientNet type classifier (no weights needed).")
    var colourOnly = false

    @Option(help: "EfficientNet-Lite variant for type and embedding: lite0, lite1 or lite2.")
    var variant: String = "lite2"

    @Flag(help: "Pad crops to a square before resizing instead of stretching them.")
    var squarePad = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard EfficientNetLiteVariant(rawValue: variant) != nil else { throw ValidationError("--variant must be lite0, lite1 or lite2") }
    }

    /// The type and embedding encoder, or nil with --colour-only.
    func encoder() throws -> VehicleEncoder? {
        guard !colourOnly else { return nil }
        var encoder = try VehicleEncoder(store: engine.store, variant: EfficientNetLiteVariant(rawValue: variant) ?? .lite0, squarePad: squarePad)
        encoder.threads = engine.threadConfig
        return encoder
    }
}

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

    func jsonObject() -> [String: Any] {
        ["colour": Dictionary(uniqueKeysWithValues: colours.map { ($0.key.rawValue, $0.value) }),
         "type": Dictionary(uniqueKeysWithValues: types.map { ($0.key.rawValue, $0.value) })]
    }
}

struct DescribeImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-image",
        abstract: "Colour and body-type distributions of one vehicle crop (the whole image is the vehicle).",
        discussion: "With --labels, describes every labelled crop of a folder and prints the accuracy against the labels."
    )

    @Argument(help: "A JPEG or PNG crop, or with --labels the folder of crops named <track_id>.jpg.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "labels.csv (track_id,colour,colour_alt,type,type_alt,...) to score the folder against.")
    var labels: String?

    @OptionGroup var describer: DescriberOptions

    func run() async throws {
        let namer = ColourNamer()
        let encoder = try describer.encoder()
        func describe(_ path: String) throws -> VehicleDescription {
            let image = try ImageDecoder.decode(path: path)
            return VehicleDescription(colours: namer.distribution(of: image), types: encoder?.encode([image]).first?.types ?? [:])
        }
        if let labels {
            var colour = Tally(), type = Tally()
            for row in try CropLabel.load(from: URL(fileURLWithPath: labels)) {
                let d = try describe(URL(fileURLWithPath: file).appendingPathComponent("\(row.trackID).jpg").path)
                let c = d.colours.mostLikely, t = d.types.mostLikely
                if let truth = row.colour { colour.add(predicted: c, truth: truth, alternative: row.colourAlt) }
                if encoder != nil, let truth = row.type { type.add(predicted: t, truth: truth, alternative: row.typeAlt) }
                print("\(row.trackID)  colour \(row.colour?.rawValue ?? "-")\(row.colourAlt.map { "/\($0.rawValue)" } ?? "") -> \(c?.rawValue ?? "-")"
                      + "  type \(row.type?.rawValue ?? "-")\(row.typeAlt.map { "/\($0.rawValue)" } ?? "") -> \(t?.rawValue ?? "-")")
            }
            print(colour.summary("colour"))
            if encoder != nil { print(type.summary("type")) }
            return
        }
        let d = try describe(file)
        if json {
            let data = try JSONSerialization.data(withJSONObject: d.jsonObject(), options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(d.text())
        }
    }
}

/// Exact and lenient (label or its alternative) hits of a predicted label.
struct Tally {
    var scored = 0, exact = 0, lenient = 0

    mutating func add<K: Equatable>(predicted: K?, truth: K, alternative: K?) {
        scored += 1
        if predicted == truth { exact += 1 }
        if predicted == truth || (predicted != nil && predicted == alternative) { lenient += 1 }
    }

    func summary(_ name: String) -> String {
        let n = Double(max(scored, 1))
        return String(format: "%@: %d crops, exact %d (%.1f%%), label or alternative %d (%.1f%%)",
                      name, scored, exact, 100 * Double(exact) / n, lenient, 100 * Double(lenient) / n)
    }
}
