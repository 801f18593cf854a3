import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineLanguage
import SightlinePixels

struct DescribeImage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe-image",
        abstract: "Colour distribution of one vehicle crop (the whole image is the vehicle).",
        discussion: "With --labels, describes every labelled crop of a folder and prints the accuracy against the labels."
    )

    @Argument(help: "A JPEG or PNG crop, or with --labels the folder of crops named <track_id>.jpg.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "labels.csv (track_id,colour,colour_alt,type,type_alt,...) to score the folder against.")
    var labels: String?

    func run() async throws {
        let namer = ColourNamer()
        if let labels {
            let rows = try CropLabel.load(from: URL(fileURLWithPath: labels))
            var exact = 0, lenient = 0, scored = 0
            for row in rows {
                guard let truth = row.colour else { continue }
                let image = try ImageDecoder.decode(path: URL(fileURLWithPath: file).appendingPathComponent("\(row.trackID).jpg").path)
                let predicted = Self.top(namer.distribution(of: image))
                scored += 1
                if predicted == truth { exact += 1 }
                if predicted == truth || (predicted != nil && predicted == row.colourAlt) { lenient += 1 }
                print("\(row.trackID)  label \(truth.rawValue)\(row.colourAlt.map { "/\($0.rawValue)" } ?? "")  predicted \(predicted?.rawValue ?? "-")")
            }
            print(String(format: "colour: %d crops, exact %d (%.1f%%), label or alternative %d (%.1f%%)",
                         scored, exact, 100 * Double(exact) / Double(max(scored, 1)), lenient, 100 * Double(lenient) / Double(max(scored, 1))))
            return
        }
        let image = try ImageDecoder.decode(path: file)
        let colours = namer.distribution(of: image)
        if json {
            let object = ["colour": Dictionary(uniqueKeysWithValues: colours.map { ($0.key.rawValue, $0.value) })]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("colour: " + colours.sorted { $0.value > $1.value }.prefix(4).map { String(format: "%@ %.2f", $0.key.rawValue, $0.value) }.joined(separator: ", "))
        }
    }

    static func top<K>(_ d: [K: Double]) -> K? { d.max { $0.value < $1.value }?.key }
}
