import ArgumentParser
import Foundation
import SightlineAppearance
import SightlineData
import SightlinePixels

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw images from CityFlow frames: a camera's background, a track's motion map, a contact sheet of every vehicle or of every track.",
        subcommands: [MotionMapCommand.self, BackgroundCommand.self, ContactSheetCommand.self, TracksCommand.self]
    )

    struct MotionMapCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "motion-map",
            abstract: "SSM's motion map: the track's crops pasted along its path on the camera background."
        )

        @OptionGroup var track: TrackOptions
        @Option(help: "Output PNG.") var out: String
        @Option(help: "Skip a crop whose IoU with the last pasted one exceeds this (SSM: 0.05).") var maxIoU = 0.05
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            try Outputs.check(files: ["--out": out])
            let (t, all) = try track.load()
            let images = try pixels.requireImages()
            let background = try images.cameraBackground(of: t, in: all)
            try images.motionMap(of: t, background: background, maxIoU: maxIoU).writePNG(to: out)
            printError("wrote \(out)")
        }
    }

    struct BackgroundCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "background",
            abstract: "The mean (or median) of up to N frames of the camera that saw a track."
        )

        @OptionGroup var track: TrackOptions
        @Option(help: "Output PNG.") var out: String
        @OptionGroup var pixels: PixelOptions

        func run() async throws {
            try Outputs.check(files: ["--out": out])
            let (t, all) = try track.load()
            try pixels.requireImages().cameraBackground(of: t, in: all).writePNG(to: out)
            printError("wrote \(out)")
        }
    }

    struct TracksCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tracks",
            abstract: "Every track of a track file drawn as a grid: first each camera's background with every track's path, numbered, then each track's motion map, labelled with its number, frames, colour and type.",
            discussion: "For looking at what a tracker found: how many vehicles, which tracks are one vehicle split in two, which follow two. `sightline ingest` keeps each camera's tracks as <state>/<camera>/tracks.json, with --frames-root <state>."
        )

        @Option(help: "CityFlow-NL track file.") var tracks: String
        @Option(help: "Output PNG.") var out: String
        @Option(help: "Thumbnails per row.") var columns = 4
        @Option(help: "Side of a thumbnail, in pixels.") var cell = 320
        @OptionGroup var pixels: PixelOptions
        @OptionGroup var missingFrames: MissingFrameOptions

        static let palette: [(UInt8, UInt8, UInt8)] = [(255, 80, 80), (80, 220, 80), (90, 150, 255), (255, 210, 60), (230, 90, 230),
                                                       (60, 220, 220), (255, 150, 40), (180, 255, 120), (200, 160, 255), (255, 255, 255)]

        func run() async throws {
            try Outputs.check(files: ["--out": out])
            let list = try TrackFile.load(from: URL(fileURLWithPath: tracks))
            let images = try pixels.requireImages()
            let appearance = try pixels.appearance(of: list, strict: missingFrames.strict)
            var overviews: [ContactSheet.Tile] = [], maps: [ContactSheet.Tile] = []
            let cameras = Dictionary(grouping: list.enumerated(), by: \.element.cameraKey)
            for camera in cameras.keys.sorted() {
                let numbered = cameras[camera] ?? []
                guard let first = numbered.first?.element else { continue }
                guard var overview = try images.background(camera: camera, frames: numbered.flatMap(\.element.frames)) else { continue }
                for (n, track) in numbered {
                    let colour = Self.palette[n % Self.palette.count]
                    let dot = max(3, overview.width / 160)
                    for box in track.boxes {
                        overview.fill(PixelRect(x: Int(clamping: box.x + box.w / 2) - dot / 2, y: Int(clamping: box.y + box.h) - dot / 2, width: dot, height: dot), colour: colour)
                    }
                    if let start = track.boxes.first {
                        overview.draw(text: "\(n + 1)", x: Int(clamping: start.x + start.w / 2), y: Int(clamping: start.y + start.h) + dot, scale: max(2, overview.width / 240), colour: colour)
                    }
                }
                overviews.append(ContactSheet.Tile(image: overview, lines: [("\(camera): \(numbered.count) tracks", (255, 255, 255))]))
                let background = try images.cameraBackground(of: first, in: list)
                for (n, track) in numbered {
                    let look = appearance[track.id]
                    let span = "\(track.frames.first?.frame ?? 0)-\(track.frames.last?.frame ?? 0)"
                    maps.append(ContactSheet.Tile(image: try images.motionMap(of: track, background: background), lines: [
                        ("T\(n + 1) frames \(span)", Self.palette[n % Self.palette.count]),
                        ("\(look?.colours.mostLikely?.rawValue ?? "-") \(look?.types.mostLikely?.rawValue ?? "-")", (255, 255, 255)),
                    ]))
                    printError("\(camera): track \(n + 1)/\(list.count) \(track.id) frames \(span) \(look?.colours.mostLikely?.rawValue ?? "-") \(look?.types.mostLikely?.rawValue ?? "-")")
                }
            }
            try ContactSheet(columns: columns, cell: cell).render(overviews + maps).writePNG(to: out)
            printError("wrote \(out)")
        }
    }

    struct ContactSheetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contact-sheet",
            abstract: "Colour and type predicted for every vehicle of cameras' MOT ground truth, drawn as a labelled grid.",
            discussion: """
            Pass --gt and --camera once per camera. With --labels (track_id = <scene>/<camera>/<MOT id>, \
            colour, colour_alt, type, type_alt), prints the accuracy against them; the EYE line is green where both match, \
            amber where one matches only the alternative, red otherwise. With several cameras and the encoder, also prints \
            how similar the appearance embeddings of the same MOT id seen by two cameras are, against different ids.
            """
        )

        @Option(help: "MOTChallenge gt.txt of a camera (repeat per camera).") var gt: [String]
        @Option(help: "Folder of that camera's frames (<frame>.jpg, six digits), relative to --frames-root (repeat per camera).") var camera: [String]
        @Option(help: "Output PNG.") var out: String
        @Option(help: "Labels by eye to score the predictions against.") var labels: String?
        @Option(help: "Thumbnails per row.") var columns = 5
        @Option(help: "Also write each vehicle's largest crop as <folder>/<camera>-<MOT id>.png (for labelling by eye).") var cropsOut: String?
        @OptionGroup var pixels: PixelOptions

        func validate() throws {
            guard !gt.isEmpty, gt.count == camera.count else { throw ValidationError("pass --gt and --camera once per camera, in pairs") }
        }

        /// One Track per MOT id of one camera, with the frame paths the frames root holds.
        static func vehicles(gt: String, camera: String) throws -> [(mot: Int, track: Track)] {
            let boxes = try MOTGroundTruth.load(from: URL(fileURLWithPath: gt))
            let prefix = camera.hasSuffix("/") ? String(camera.dropLast()) : camera
            return try Dictionary(grouping: boxes, by: \.id).sorted { $0.key < $1.key }.map { id, rows in
                let sorted = rows.sorted { $0.frame < $1.frame }
                let frames = try sorted.map { row in
                    let path = "\(prefix)/\(String(format: "%06d", row.frame)).jpg"
                    guard let ref = FrameRef(path: path) else { throw ValidationError("--camera \(camera): \(path) is not of the form .../S<scene>/c<camera>/img1/<frame>.jpg") }
                    return ref
                }
                let camera = frames.first.map { "\($0.scene)/\($0.camera)" } ?? prefix
                return (id, Track(id: "\(camera)/\(id)", frames: frames, boxes: sorted.map(\.box)))
            }
        }

        func run() async throws {
            try Outputs.check(files: ["--out": out], folders: ["--crops-out": cropsOut])
            let images = try pixels.requireImages()
            let encoder = try pixels.describer.encoder()
            let truth = try labels.map { try CropLabel.load(from: URL(fileURLWithPath: $0)) } ?? []
            var colourTally = Tally(), typeTally = Tally()
            var tiles: [ContactSheet.Tile] = []
            var embeddings: [(camera: Int, mot: Int, vector: [Float])] = []
            for (c, (gtFile, folder)) in zip(gt, camera).enumerated() {
                let vehicles = try Self.vehicles(gt: gtFile, camera: folder)
                guard let first = vehicles.first?.track else { continue }
                let background = try images.background(camera: first.cameraKey, frames: vehicles.flatMap(\.track.frames))
                let geometry = BoxGeometry.of(vehicles.map(\.track))
                let occupancy = FrameOccupancy(vehicles.map(\.track))
                for (n, (mot, track)) in vehicles.enumerated() {
                    printError("\(first.cameraKey): vehicle \(n + 1)/\(vehicles.count)")
                    let appearance = try images.appearance(of: track, background: background, encoder: encoder, geometry: geometry[track.id],
                                                           occupancy: occupancy)
                    if !appearance.embedding.isEmpty { embeddings.append((c, mot, appearance.embedding)) }
                    let colour = appearance.colours.mostLikely, type = appearance.types.mostLikely
                    var lines: [(text: String, colour: (UInt8, UInt8, UInt8))] = [
                        ("\(track.camera) ID \(mot)", (200, 200, 200)),
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
                    let largest = track.boxes.indices.max { track.boxes[$0].area < track.boxes[$1].area } ?? 0
                    let frame = try images.frame(track.frames[largest])
                    guard let rect = images.rect(track.boxes[largest], frameWidth: frame.width, frameHeight: frame.height, options: CropOptions()) else { continue }
                    let crop = frame.cropped(rect)
                    tiles.append(ContactSheet.Tile(image: crop, lines: lines))
                    if let cropsOut {
                        try FileManager.default.createDirectory(atPath: cropsOut, withIntermediateDirectories: true)
                        try crop.writePNG(to: URL(fileURLWithPath: cropsOut).appendingPathComponent("\(track.camera)-\(mot).png").path)
                    }
                }
            }
            if !truth.isEmpty {
                print(colourTally.summary("colour"))
                print(colourTally.confusion("colour"))
                if encoder != nil {
                    print(typeTally.summary("type"))
                    print(typeTally.confusion("type"))
                }
            }
            printCrossCameraSimilarity(embeddings)
            try ContactSheet(columns: columns, cell: 240).render(tiles).writePNG(to: out)
            printError("wrote \(out)")
        }

        /// Cosine of appearance embeddings between cameras: same MOT id (the same vehicle in
        /// CityFlow's multi-camera ground truth) against different ids.
        func printCrossCameraSimilarity(_ embeddings: [(camera: Int, mot: Int, vector: [Float])]) {
            func cosine(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map(*).reduce(0, +) }
            var same: [Float] = [], different: [Float] = []
            for i in embeddings.indices {
                for j in embeddings.indices where j > i && embeddings[j].camera != embeddings[i].camera {
                    let c = cosine(embeddings[i].vector, embeddings[j].vector)
                    if embeddings[i].mot == embeddings[j].mot { same.append(c) } else { different.append(c) }
                }
            }
            var rankOne = 0, queries = 0
            for a in embeddings {
                let others = embeddings.filter { $0.camera != a.camera }
                guard others.contains(where: { $0.mot == a.mot }) else { continue }
                queries += 1
                if others.max(by: { cosine(a.vector, $0.vector) < cosine(a.vector, $1.vector) })?.mot == a.mot { rankOne += 1 }
            }
            guard !same.isEmpty, !different.isEmpty else { return }
            func mean(_ v: [Float]) -> Float { v.reduce(0, +) / Float(v.count) }
            print(String(format: "embedding cosine across cameras: same vehicle %.3f (%d pairs), different vehicles %.3f (%d pairs); the nearest vehicle of the other camera is the same one for %d of %d",
                         mean(same), same.count, mean(different), different.count, rankOne, queries))
        }
    }
}
