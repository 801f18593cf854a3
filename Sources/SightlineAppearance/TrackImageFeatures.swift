import Foundation
import SightlineData
import SightlineEngine
import SightlinePixels

/// The input of the learned model's image branch (SSM's image towers on frozen features): per track,
/// EfficientNet-Lite0's pooled features of its sampled crops (SSM's enlarged boxes), averaged, then
/// those of its motion map on the camera background, each L2-normalised: 2 × 1280 values.
public enum TrackImageFeatures {
    /// The backbone: the engine's native Lite0, the smallest input (224 px), frozen.
    public static let variant = EfficientNetLiteVariant.lite0
    /// Pooled features per image.
    public static let imageWidth = 1280
    /// Features per track: crops, then motion map.
    public static let width = 2 * imageWidth

    /// The encoder the features come from (Lite0 without type head), using `threads`.
    public static func encoder(store: ModelStore = ModelStore(), threads: ThreadConfig = ThreadConfig()) throws -> VehicleEncoder {
        var encoder = try VehicleEncoder(store: store, variant: variant, useHead: false)
        encoder.threads = threads
        return encoder
    }

    /// What `features(of:images:encoder:)` found.
    public struct Report: Sendable {
        /// Features by track id, for every track whose frames were all readable.
        public var features: [String: [Float]]
        /// Tracks left without image features, with the missing frame that did it.
        public var missing: [(track: String, path: String)]
    }

    /// The features of every track of `tracks`: one background per camera from its tracks' frames, then
    /// each track's crops and motion map. A track with a missing frame goes without (it is reported);
    /// any other error stops. `progress(done, total)` follows the tracks.
    public static func features(of tracks: [Track], images: TrackImages, encoder: VehicleEncoder,
                                progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        var report = Report(features: [:], missing: [])
        var backgrounds: [String: RGBImage] = [:]
        for (camera, group) in Dictionary(grouping: tracks, by: \.cameraKey) {
            backgrounds[camera] = try images.background(camera: camera, frames: group.flatMap(\.frames)) { _ in }
        }
        for (done, track) in tracks.enumerated() {
            do {
                if let features = try self.features(of: track, images: images, background: backgrounds[track.cameraKey], encoder: encoder) {
                    report.features[track.id] = features
                }
            } catch {
                guard let path = TrackImages.missingFrame(in: error) else { throw error }
                report.missing.append((track.id, path))
            }
            progress(done + 1, tracks.count)
        }
        return report
    }

    /// One track's features, nil when it has no crop (every box off the frame) or no background.
    public static func features(of track: Track, images: TrackImages, background: RGBImage?, encoder: VehicleEncoder) throws -> [Float]? {
        guard let background else { return nil }
        let crops = try images.crops(of: track).map(\.image)
        guard !crops.isEmpty else { return nil }
        let motion = try images.motionMap(of: track, background: background)
        let encoded = encoder.encode(crops + [motion])
        guard encoded.count == crops.count + 1 else { return nil }
        let cropFeatures = VehicleEncoder.meanEmbedding(encoded.dropLast().map(\.features))
        let motionFeatures = encoded[crops.count].features
        guard cropFeatures.count == imageWidth, motionFeatures.count == imageWidth else { return nil }
        return cropFeatures + motionFeatures
    }
}
