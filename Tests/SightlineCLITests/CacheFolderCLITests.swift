import Foundation
import SightlineTestSupport
import Testing

/// Without `--cache`, camera backgrounds go to the user's cache folder, not the working directory.
@Suite(.requiresShared("cityflow-sample/test-tracks.json", "cityflow-sample/frames"))
struct CacheFolderCLITests {
    let dir = TemporaryDirectory(prefix: "sightline-cache-cli")

    func describe(environment: [String: String]) throws {
        let result = try SightlineTool.run(["describe-track", "--track", "c19db37b-ec12-43ca-902e-5ff2d8ef3b5a",
                                            "--tracks", TestData.sharedData("cityflow-sample/test-tracks.json").path, "--colour-only",
                                            "--frames-root", TestData.sharedData("cityflow-sample/frames").path],
                                           environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    func files(under folder: URL) -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }
    }

    @Test func backgroundsGoToTheUsersCacheFolder() throws {
        let home = dir.file("home")
        try describe(environment: ["HOME": home.path, "XDG_CACHE_HOME": "", "SIGHTLINE_CACHE": ""])
        #expect(!files(under: home.appendingPathComponent(".cache/sightline")).isEmpty)

        let xdg = dir.file("xdg")
        try describe(environment: ["HOME": home.path, "XDG_CACHE_HOME": xdg.path, "SIGHTLINE_CACHE": ""])
        #expect(!files(under: xdg.appendingPathComponent("sightline")).isEmpty)

        let own = dir.file("own")
        try describe(environment: ["HOME": home.path, "XDG_CACHE_HOME": xdg.path, "SIGHTLINE_CACHE": own.path])
        #expect(!files(under: own).isEmpty)
    }
}
