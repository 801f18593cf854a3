import Foundation
import Testing

/// Where the checkout, the real CityFlow data in `../shared` and the installed weights are.
public enum TestData {
    /// The package root: this file is `Sources/SightlineTestSupport/TestData.swift`.
    public static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the package, where the real CityFlow-NL files live.
    public static let sharedFolder = repository.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// A file or folder under `../shared/data`, whether or not it exists.
    public static func sharedData(_ relativePath: String) -> URL {
        sharedFolder.appendingPathComponent(relativePath)
    }

    /// Whether every one of `relativePaths` exists under `../shared/data`.
    public static func hasShared(_ relativePaths: [String]) -> Bool {
        relativePaths.allSatisfy { FileManager.default.fileExists(atPath: sharedData($0).path) }
    }

    /// The weights folder the tool uses: `$SIGHTLINE_MODELS`, else `models/` in the checkout.
    public static let modelsFolder: URL = {
        if let folder = ProcessInfo.processInfo.environment["SIGHTLINE_MODELS"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        return repository.appendingPathComponent("models")
    }()
}

extension Trait where Self == ConditionTrait {
    /// Skips the test, naming the missing paths, unless every one of `relativePaths` exists under
    /// `../shared/data`. The real data is not in the repository, so a checkout without it must
    /// skip visibly (Swift Testing reports the comment) rather than pass silently.
    public static func requiresShared(_ relativePaths: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        requiresShared(relativePaths, sourceLocation: sourceLocation)
    }

    /// `requiresShared` for a list, such as the files a parameterised test reads.
    public static func requiresShared(_ relativePaths: [String], sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let missing = relativePaths.filter { !TestData.hasShared([$0]) }
        return .enabled(if: missing.isEmpty,
                        "absent under ../shared/data: \(missing.joined(separator: ", ")) (the real CityFlow data is not in the repository)",
                        sourceLocation: sourceLocation)
    }

    /// Skips the test unless `installed` holds, e.g. `ModelStore(root: TestData.modelsFolder.path).isInstalled(.miniLM)`:
    /// weights come from `scripts/fetch-models.sh`, not from the repository. The check is the
    /// caller's because this target knows no model.
    public static func requiresModels(_ installed: @autoclosure @escaping @Sendable () -> Bool,
                                      sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(if: installed(), "weights not installed in \(TestData.modelsFolder.path): run scripts/fetch-models.sh",
                 sourceLocation: sourceLocation)
    }
}
