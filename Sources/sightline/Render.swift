import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlineLanguage
import SightlinePixels

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw images from CityFlow frames: a camera's background, a track's motion map, a contact sheet of every vehicle.",
        subcommands: [MotionMapCommand.self, BackgroundCommand.self, ContactSheetCommand.self]
    )

    struct MotionMapCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "motion-map",
            abstract: "SSM's motion map: the track's crops pasted along its path on the camera background."
        )

        @Option(help: "Track id.") var track: String
        @Option(help: "Track file holding it.") var tracks: String
        @Option(help: "Output PNG.") var out: String
        @Option(help: "Skip a crop whose IoU with the last pasted one exceeds this (SSM: 0.05).") var maxIoU = 0.05
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            let (t, all) = try findTrack(track, in: tracks)
            let images = try pixels.requireImages()
            guard let background = try images.background(camera: t.cameraKey, frames: cameraFrames(of: t, in: all)) else {
                throw ValidationError("no frames of camera \(t.cameraKey) could be combined into a background")
            }
            try images.motionMap(of: t, background: background, maxIoU: maxIoU).writePNG(to: out)
            printError("wrote \(out)")
        }
    }

    struct BackgroundCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "background",
            abstract: "The mean (or median) of up to N frames of the camera that saw a track."
        )

        @Option(help: "A track of the camera.") var track: String
        @Option(help: "Track file holding it.") var tracks: String
        @Option(help: "Output PNG.") var out: String
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            let (t, all) = try findTrack(track, in: tracks)
            guard let background = try pixels.requireImages().background(camera: t.cameraKey, frames: cameraFrames(of: t, in: all)) else {
                throw ValidationError("no frames of camera \(t.cameraKey) could be combined into a background")
            }
            try background.writePNG(to: out)
            printError("wrote \(out)")
        }
    }

    struct ContactSheetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contact-sheet",
            abstract: "Colour and type predicted for every vehicle of a camera's MOT ground truth, drawn as a labelled grid.",
            discussion: "With --labels (track_id = <camera folder>/<MOT id>, colour, colour_alt, type, type_alt), prints the accuracy against them; the EYE line is green where both match, amber where one matches only the alternative, red otherwise."
        )

        @Option(help: "MOTChallenge gt.txt of the camera.") var gt: String
        @Option(help: "Folder of the camera's frames (<frame>.jpg, six digits), relative to --frames-root.") var camera: String
        @Option(help: "Output PNG.") var out: String
        @Option(help: "Labels by eye to score the predictions against.") var labels: String?
        @Option(help: "Thumbnails per row.") var columns = 5
        @Option(help: "Also write each vehicle's largest crop as <folder>/<MOT id>.png (for labelling by eye).") var cropsOut: String?
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            let images = try pixels.requireImages()
            let boxes = try MOTGroundTruth.load(from: URL(fileURLWithPath: gt))
            let prefix = camera.hasSuffix("/") ? String(camera.dropLast()) : camera
            let tracks = try Dictionary(grouping: boxes, by: \.id).sorted { $0.key < $1.key }.map { id, rows in
                let sorted = rows.sorted { $0.frame < $1.frame }
                let frames = try sorted.map { row in
                    let path = "\(prefix)/\(String(format: "%06d", row.frame)).jpg"
                    guard let ref = FrameRef(path: path) else { throw ValidationError("--camera \(camera): \(path) is not of the form .../S<scene>/c<camera>/img1/<frame>.jpg") }
                    return ref
                }
                return Track(id: "\(prefix.replacingOccurrences(of: "/img1", with: ""))/\(id)", frames: frames, boxes: sorted.map(\.box))
            }
            guard let first = tracks.first else { throw ValidationError("\(gt): no vehicles") }
            let background = try images.background(camera: first.cameraKey, frames: tracks.flatMap(\.frames))
            let encoder = try pixels.describer.encoder()
            let truth = try labels.map { try CropLabel.load(from: URL(fileURLWithPath: $0)) } ?? []
            var colourTally = Tally(), typeTally = Tally()
            var tiles: [ContactSheet.Tile] = []
            for (n, track) in tracks.enumerated() {
                printError("vehicle \(n + 1)/\(tracks.count): \(track.id)")
                let appearance = try images.appearance(of: track, background: background, encoder: encoder)
                let colour = VehicleDescription.top(appearance.colours), type = VehicleDescription.top(appearance.types)
                let largest = track.boxes.indices.max { track.boxes[$0].area < track.boxes[$1].area } ?? 0
                let frame = try images.frame(track.frames[largest])
                let crop = images.rect(track.boxes[largest], frameWidth: frame.width, frameHeight: frame.height, options: CropOptions()).map(frame.cropped)
                var lines: [(text: String, colour: (UInt8, UInt8, UInt8))] = [
                    ("ID \(track.id.split(separator: "/").last ?? "")", (200, 200, 200)),
                    ("\(colour?.rawValue ?? "-") \(type?.rawValue ?? "-")", (255, 255, 255)),
                ]
                var verdict = ""
                if let label = truth.first(where: { $0.trackID == track.id }) {
                    if let c = label.colour { colourTally.add(predicted: colour, truth: c, alternative: label.colourAlt) }
                    if encoder != nil, let t = label.type { typeTally.add(predicted: type, truth: t, alternative: label.typeAlt) }
                    func hit<K: Equatable>(_ p: K?, _ truth: K?, _ alt: K?) -> Int { p == nil ? 0 : p == truth ? 2 : p == alt ? 1 : 0 }
                    let verdicts = [hit(colour, label.colour, label.colourAlt)] + (encoder == nil ? [] : [hit(type, label.type, label.typeAlt)])
                    let shade: (UInt8, UInt8, UInt8) = verdicts.allSatisfy { $0 == 2 } ? (90, 220, 90) : verdicts.allSatisfy { $0 >= 1 } ? (240, 190, 60) : (240, 90, 90)
                    lines.append(("EYE \(label.colour?.rawValue ?? "-") \(label.type?.rawValue ?? "-")", shade))
                    verdict = "  eye \(label.colour?.rawValue ?? "-")\(label.colourAlt.map { "/\($0.rawValue)" } ?? "") \(label.type?.rawValue ?? "-")\(label.typeAlt.map { "/\($0.rawValue)" } ?? "")"
                }
                print("\(track.id)  predicted \(colour?.rawValue ?? "-") \(type?.rawValue ?? "-")\(verdict)")
                if let crop {
                    tiles.append(ContactSheet.Tile(image: crop, lines: lines))
                    if let cropsOut {
                        try FileManager.default.createDirectory(atPath: cropsOut, withIntermediateDirectories: true)
                        try crop.writePNG(to: URL(fileURLWithPath: cropsOut).appendingPathComponent("\(track.id.split(separator: "/").last ?? "").png").path)
                    }
                }
            }
            if !truth.isEmpty {
                print(colourTally.summary("colour"))
                if encoder != nil { print(typeTally.summary("type")) }
            }
            try ContactSheet(columns: columns).render(tiles).writePNG(to: out)
            printError("wrote \(out)")
        }
    }
}
