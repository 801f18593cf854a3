import Foundation
import SightlineData
import SightlineLanguage
import SightlineTracks

/// Big vehicles (trucks, buses) have big boxes for their camera. A coarse, pixel-free hint:
/// log2 of the track's box size over its camera's median, clamped to [-1, 1], times the
/// share of descriptions naming a truck or bus.
public struct SizeTerm: ScoreTerm {
    public var name: String { "size" }

    public init() {}

    public var featureNames: [String] { ["log2-size-ratio"] }

    public func queryVector(_ query: QueryProfile) -> [Double] { [query.types[.truck] + query.types[.bus]] }

    public func trackFeatures(_ track: Track, in gallery: Gallery) -> [Double] {
        guard let ratio = gallery.analysis.sizeRatio[track.id], ratio > 0 else { return [0] }
        return [min(1, max(-1, log2(ratio)))]
    }

    public func reason(_ query: QueryProfile, _ track: Track, in gallery: Gallery) -> String {
        let ratio = gallery.analysis.sizeRatio[track.id] ?? 1
        return String(format: "box %.1fx its camera's median", ratio)
    }
}
