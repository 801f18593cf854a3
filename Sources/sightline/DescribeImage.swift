import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlineEngine
import SightlinePixels

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
            try printJSON(d.distributions)
        } else {
            print(d.text())
        }
    }
}
