import SightlineEngine
import SightlinePixels

/// Decoding and resizing of image files into EfficientNet-Lite inputs.
enum ImageInput {
    static func load(_ files: [String], for model: EfficientNetLite) throws -> [Tensor] {
        let side = model.variant.inputSize
        return try files.map { file in
            let image = try ImageDecoder.decode(path: file).resizedBilinear(width: side, height: side)
            return model.preprocess(rgb: image.pixels, width: side, height: side)
        }
    }
}
