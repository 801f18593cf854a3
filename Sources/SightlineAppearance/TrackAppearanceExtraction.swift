import SightlineData
import SightlinePixels

extension TrackImages {
    /// Appearance of a track from its sampled crops (un-enlarged boxes, so the body fills the
    /// crop): colour with the camera background masking the road when given, larger (sharper)
    /// crops counting more, what nearer vehicles of `occupancy` hide left out, and, with an encoder,
    /// body type (from the crops' type evidence with the track's box `geometry` and `detected` class
    /// when known) and the mean embedding.
    public func appearance(of track: Track, background: RGBImage?, namer: ColourNamer = ColourNamer(),
                           encoder: VehicleEncoder? = nil, geometry: BoxGeometry? = nil,
                           detected: DetectedClass? = nil, occupancy: FrameOccupancy? = nil) throws -> TrackAppearance {
        let crops = try self.crops(of: track, options: CropOptions())
        let colours = TrackAppearance.average(crops.map { c in
            let hidden = occupancy?.hidden(in: c.rect, track: track.id, box: track.boxes[c.index], frame: track.frames[c.index]) ?? []
            return namer.distribution(of: c.image, background: background?.cropped(c.rect), hidden: hidden)
        }, weights: crops.map { Double($0.image.width * $0.image.height).squareRoot() })
        guard let encoder, !crops.isEmpty else { return TrackAppearance(colours: colours) }
        let encoded = encoder.encode(crops.map(\.image))
        var evidence = TypeEvidence.average(encoded.map(\.evidence))
        evidence.sizeRatio = geometry?.sizeRatio
        evidence.tallnessRatio = geometry?.tallnessRatio
        evidence.detected = detected
        return TrackAppearance(colours: colours, types: encoder.typeNamer.distribution(evidence),
                               embedding: VehicleEncoder.meanEmbedding(encoded.map(\.features)))
    }
}
