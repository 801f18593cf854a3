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

    @Flag(help: "With --labels: fit the colour thresholds on the labelled crops, print them, and score colour by leave-one-out (each crop named by thresholds fitted on the others).")
    var fit = false

    @OptionGroup var describer: DescriberOptions

    func run() async throws {
        let namer = ColourNamer()
        let encoder = try describer.encoder()
        func describe(_ path: String) throws -> VehicleDescription {
            let image = try ImageDecoder.decode(path: path)
            return VehicleDescription(colours: namer.distribution(of: image), types: encoder?.encode([image]).first?.types ?? [:])
        }
        if let labels {
            let rows = try CropLabel.load(from: URL(fileURLWithPath: labels))
            var images: [RGBImage] = []
            for row in rows {
                images.append(try ImageDecoder.decode(path: URL(fileURLWithPath: file).appendingPathComponent("\(row.trackID).jpg").path))
            }
            let heldOut = fit ? try leaveOneOut(rows, images, namer) : nil
            var colour = Tally(), type = Tally()
            for (k, (row, image)) in zip(rows, images).enumerated() {
                let d = VehicleDescription(colours: namer.distribution(of: image), types: encoder?.encode([image]).first?.types ?? [:])
                let c = heldOut.map { $0[k] } ?? d.colours.mostLikely, t = d.types.mostLikely
                if let truth = row.colour { colour.add(predicted: c, truth: truth, alternative: row.colourAlt) }
                if encoder != nil, let truth = row.type { type.add(predicted: t, truth: truth, alternative: row.typeAlt) }
                print("\(row.trackID)  colour \(row.colour?.rawValue ?? "-")\(row.colourAlt.map { "/\($0.rawValue)" } ?? "") -> \(c?.rawValue ?? "-")"
                      + "  type \(row.type?.rawValue ?? "-")\(row.typeAlt.map { "/\($0.rawValue)" } ?? "") -> \(t?.rawValue ?? "-")")
            }
            print(colour.summary(fit ? "colour (leave-one-out)" : "colour"))
            print(colour.confusion("colour"))
            if encoder != nil {
                print(type.summary("type"))
                print(type.confusion("type"))
            }
            return
        }
        guard !fit else { throw ValidationError("--fit needs --labels") }
        let d = try describe(file)
        if json {
            try printJSON(d.distributions)
        } else {
            print(d.text())
        }
    }

    /// Colour names of each crop by thresholds fitted on the other crops; prints the thresholds
    /// fitted on all of them.
    private func leaveOneOut(_ rows: [CropLabel], _ images: [RGBImage], _ namer: ColourNamer) throws -> [VehicleColor?] {
        var samples: [(evidence: ColourEvidence, accepted: Set<VehicleColor>)] = []
        var index: [Int?] = []
        for (row, image) in zip(rows, images) {
            guard let truth = row.colour, let e = namer.evidence(of: image) else { index.append(nil); continue }
            index.append(samples.count)
            samples.append((e, Set([truth] + (row.colourAlt.map { [$0] } ?? []))))
        }
        guard let all = ColourThresholds.fit(samples) else { throw ValidationError("\(labels ?? file): no labelled crop to fit on") }
        let hits = samples.filter { all.name($0.evidence).map($0.accepted.contains) == true }.count
        print("fitted on all \(samples.count) crops: \(all.settings) (\(hits) right in sample)")
        let predictions = ColourThresholds.leaveOneOut(samples)
        return index.map { $0.flatMap { predictions[$0] } }
    }
}
