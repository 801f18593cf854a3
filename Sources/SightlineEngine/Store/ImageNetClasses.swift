import Foundation

/// The 1000 ImageNet-1k class names in logit order (torchvision's `_IMAGENET_CATEGORIES`).
public enum ImageNetClasses {
    /// Class names, index = logit index.
    public static let names: [String] = {
        guard let url = Bundle.module.url(forResource: "imagenet-classes", withExtension: "txt"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }()

    /// Names of the road-vehicle classes (cars, vans, trucks, buses, two-wheelers, car parts), for sanity checks.
    public static let vehicleNames: Set<String> = [
        "ambulance", "beach wagon", "cab", "convertible", "jeep", "limousine", "minivan", "Model T",
        "racer", "sports car", "police van", "moving van", "pickup", "tow truck", "trailer truck",
        "garbage truck", "fire engine", "school bus", "trolleybus", "minibus", "recreational vehicle",
        "go-kart", "golfcart", "moped", "motor scooter", "mountain bike", "car wheel", "grille",
        "tractor", "forklift", "half track", "snowplow", "streetcar", "passenger car", "amphibious vehicle",
    ]

    /// The `k` highest-scoring (name, probability) pairs of softmax(`logits`).
    public static func top(_ k: Int, logits: [Float]) -> [(name: String, probability: Float)] {
        let peak = logits.max() ?? 0
        let exps = logits.map { expf($0 - peak) }
        let total = exps.reduce(0, +)
        return logits.indices.sorted { logits[$0] > logits[$1] }.prefix(k).map { i in
            (i < names.count ? names[i] : "class \(i)", exps[i] / total)
        }
    }
}
