import ArgumentParser
import Foundation
import SightlineEngine

struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the pretrained weights the neural engine reads.",
        subcommands: [List.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show installed weight files with sizes and SHA-256.")

        @OptionGroup var engine: EngineOptions

        func run() async throws {
            let store = engine.store
            print("models folder: \(store.root)")
            let files = try store.list()
            for file in files {
                let megabytes = String(format: "%8.1f MB", Double(file.bytes) / 1_000_000)
                print("\(file.model.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(megabytes)  \(file.sha256)  \(file.path)")
            }
            for model in PretrainedModel.allCases where !store.isInstalled(model) {
                print("\(model.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) not installed — run scripts/fetch-models.sh")
            }
        }
    }
}
