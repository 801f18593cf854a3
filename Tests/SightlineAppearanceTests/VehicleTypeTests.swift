import Foundation
@testable import SightlineAppearance
import SightlineData
import SightlineEngine
import SightlinePixels
import SightlineTestSupport
import Testing

struct VehicleTypeTests {
    static func logits(_ peaks: [String: Float], base: Float = 0) -> [Float] {
        ImageNetClasses.names.map { peaks[$0] ?? base }
    }

    @Test func everyMappedClassIsAnImageNetClassAndSharesSumToOne() {
        let names = Set(ImageNetClasses.names)
        for (name, shares) in ImageNetBodyTypes.mapping {
            #expect(names.contains(name), "\(name) is not an ImageNet class")
            #expect(abs(shares.values.reduce(0, +) - 1) < 1e-9, "\(name)")
        }
    }

    @Test func confidentPickupLogitGivesPickup() throws {
        let d = ImageNetBodyTypes.distribution(logits: Self.logits(["pickup": 12, "tow truck": 6]), names: ImageNetClasses.names)
        let top = try #require(d.max { $0.value < $1.value })
        #expect(top.key == .pickup)
        #expect(abs(d.values.reduce(0, +) - 1) < 1e-9)
        #expect((d[.truck] ?? 0) > 0 && (d[.truck] ?? 0) < 0.01)
    }

    @Test func sharedClassesSplitTheirMass() {
        let d = ImageNetBodyTypes.distribution(logits: Self.logits(["minivan": 15]), names: ImageNetClasses.names)
        #expect(abs((d[.minivan] ?? 0) - 0.5) < 1e-3)
        #expect(abs((d[.suv] ?? 0) - 0.3) < 1e-3)
        #expect(abs((d[.van] ?? 0) - 0.2) < 1e-3)
    }

    @Test func nonVehicleImageGivesNoType() {
        #expect(ImageNetBodyTypes.distribution(logits: Self.logits(["tabby": 15]), names: ImageNetClasses.names).isEmpty)
        #expect(ImageNetBodyTypes.distribution(logits: [], names: ImageNetClasses.names).isEmpty)
    }

    @Test func meanEmbeddingIsUnitLengthAndAveragesDirections() {
        let m = VehicleEncoder.meanEmbedding([[1, 0, 0], [0, 2, 0].map { $0 / 2 }])
        #expect(abs(m[0] - m[1]) < 1e-6 && m[2] == 0)
        #expect(abs(m.reduce(0) { $0 + $1 * $1 } - 1) < 1e-5)
        #expect(VehicleEncoder.meanEmbedding([]).isEmpty)
    }

    @Test func theCarSplitCeilingNamesEveryCarTheBestSingleCarType() throws {
        let dir = TemporaryDirectory(prefix: "sightline-ceiling")
        let csv = dir.file("labels.csv")
        try Data("""
        track_id,colour,colour_alt,type,type_alt
        a,red,,sedan,
        b,red,,suv,
        c,red,,suv,
        d,red,,pickup,
        e,red,,truck,
        f,red,,minivan,suv
        g,red,,,
        """.utf8).write(to: csv)
        let ceiling = CropLabel.carSplitCeiling(try CropLabel.load(from: csv))
        #expect(ceiling.type == .suv && ceiling.right == 5 && ceiling.scored == 6)
    }

    /// Real crops, real weights: pickups by eye get more pickup mass than sedans by eye.
    @Test(.requiresShared("vehicle-crops/labels.csv"),
          .requiresModels(ModelStore(root: TestData.modelsFolder.path).isInstalled(.efficientNetLite0)))
    func realPickupsLookMoreLikePickupsThanSedansDo() throws {
        let crops = TestData.sharedData("vehicle-crops")
        let store = ModelStore(root: TestData.modelsFolder.path)
        let labels = try CropLabel.load(from: crops.appendingPathComponent("labels.csv"))
        let encoder = try VehicleEncoder(store: store, variant: .lite0)
        func meanPickup(_ type: BodyType) throws -> Double {
            let chosen = labels.filter { $0.type == type && $0.typeAlt == nil }.prefix(5)
            let images = try chosen.map { try ImageDecoder.decode(path: crops.appendingPathComponent("images/\($0.trackID).jpg").path) }
            let encoded = encoder.encode(images)
            #expect(encoded.count == images.count)
            for e in encoded {
                #expect(e.features.count == 1280)
                #expect(abs(e.features.reduce(0) { $0 + $1 * $1 } - 1) < 1e-3)
            }
            return encoded.map { $0.types[.pickup] ?? 0 }.reduce(0, +) / Double(max(encoded.count, 1))
        }
        #expect(try meanPickup(.pickup) > meanPickup(.sedan) + 0.2)
    }
}
