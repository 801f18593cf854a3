// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sightline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sightline", targets: ["sightline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // data: CityFlow-NL formats, validation, submission, metrics
        .target(name: "SightlineData"),
        // language: vocabularies, description parsing, voting
        .target(name: "SightlineLanguage"),
        // tracks: trajectory motion, camera context, neighbours
        .target(name: "SightlineTracks", dependencies: ["SightlineData"]),
        // ranking: score terms, fusion, explanations
        .target(name: "SightlineRanking", dependencies: ["SightlineData", "SightlineLanguage", "SightlineTracks"]),
        // command-line tool
        .executableTarget(name: "sightline", dependencies: [
            "SightlineData", "SightlineLanguage", "SightlineTracks", "SightlineRanking",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SightlineDataTests", dependencies: ["SightlineData"]),
        .testTarget(name: "SightlineLanguageTests", dependencies: ["SightlineLanguage"]),
        .testTarget(name: "SightlineTracksTests", dependencies: ["SightlineTracks", "SightlineData"]),
        .testTarget(name: "SightlineCLITests", dependencies: ["sightline"]),
        .testTarget(name: "SightlineRankingTests", dependencies: ["SightlineRanking", "SightlineData", "SightlineLanguage", "SightlineTracks"]),
    ]
)
