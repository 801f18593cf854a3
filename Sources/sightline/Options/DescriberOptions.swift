import ArgumentParser
import SightlineAppearance
import SightlineEngine

/// Options of the commands that name colours and types of vehicle crops.
struct DescriberOptions: ParsableArguments {
    @Flag(help: "Colour only: skip the EfficientNet type classifier (no weights needed).")
    var colourOnly = false

    @Option(help: "EfficientNet-Lite variant for type and embedding: lite0, lite1 or lite2.")
    var variant: String = "lite2"

    @Flag(help: "Pad crops to a square before resizing instead of stretching them.")
    var squarePad = false

    @Flag(help: "Name types with the head trained on vehicle-types (off by default: on the 40 labelled CityFlow crops it named fewer types right than ImageNet's classes alone, 13 against 20).")
    var typeHead = false

    @OptionGroup var engine: EngineOptions

    func validate() throws {
        guard EfficientNetLiteVariant(rawValue: variant) != nil else { throw ValidationError("--variant must be lite0, lite1 or lite2") }
    }

    /// The type and embedding encoder, or nil with --colour-only.
    func encoder() throws -> VehicleEncoder? {
        guard !colourOnly else { return nil }
        var encoder = try VehicleEncoder(store: engine.store, variant: EfficientNetLiteVariant(rawValue: variant) ?? .lite0,
                                         squarePad: squarePad, useHead: typeHead)
        encoder.threads = engine.threadConfig
        return encoder
    }

    /// Names the type model and its settings without loading the network's weights.
    var typeSettings: String {
        let v = EfficientNetLiteVariant(rawValue: variant) ?? .lite0
        let head = !typeHead ? nil : (try? VehicleEncoder.shippedHead(for: v))
        return "efficientnet-\(variant)\(squarePad ? " square-pad" : "") \(BodyTypeNamer().settings(head: head))"
    }
}
