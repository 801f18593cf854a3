// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Sightline",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sightline", targets: ["sightline"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-algorithms", from: "1.2.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // the range swift-certificates (through async-http-client) already asks for, so one version resolves
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // the server's connection settings (NIO time amounts) and its stderr logger, which Hummingbird already brings
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        // tests stop a live server gracefully through its ServiceGroup, which Hummingbird already brings
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // data: CityFlow-NL formats, validation, submissions, metrics, and the shared vocabulary
        // (colours, body types, motions, places, relations, TrackAppearance)
        .target(name: "SightlineData"),
        // language: description parsing, voting, augmentation
        .target(name: "SightlineLanguage", dependencies: ["SightlineData"]),
        // tracks: trajectory motion, camera context, neighbours
        .target(name: "SightlineTracks", dependencies: ["SightlineData"]),
        // tracking: tracking by detection (ByteTrack: Kalman filter, Hungarian association), CityFlow-NL tracks out
        .target(name: "SightlineTracking", dependencies: ["SightlineData"]),
        // pixels: image decoding, crops, resizing, a track's frames, backgrounds, motion maps
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(name: "SightlinePixels", dependencies: ["SightlineData", "CTurboJPEG", "CPNG"],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"])]),
        // video: FFmpeg decoding of camera videos by frame number, and the frames root that reads
        // a CityFlow frame from its JPEG or its camera's video
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]),
        .target(name: "SightlineVideo", dependencies: ["SightlineData", "SightlinePixels", "CFFmpeg"],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"])]),
        // engine: tensors, BLAS ops, weight loaders, MiniLM, EfficientNet-Lite, the YOLOX-Nano vehicle detector
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // weight files: parsers of untrusted safetensors and torch checkpoints, compiled with runtime checks
        .target(name: "SightlineWeightFiles"),
        // software prefetch, which Swift does not expose
        .target(name: "CPrefetch"),
        // engine kernels for AVX-512 CPUs, called only where /proc/cpuinfo reports AVX-512
        .target(name: "SightlineEngineAVX512", dependencies: ["CPrefetch"], path: "Sources/SightlineEngine/AVX512",
                swiftSettings: [.unsafeFlags(["-target-cpu", "skylake-avx512"]),
                                .unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        .target(name: "SightlineEngine", dependencies: ["COpenBLAS", "SightlineEngineAVX512", "SightlineWeightFiles",
                                                        "SightlineData", "SightlinePixels",
                                                        .product(name: "Algorithms", package: "swift-algorithms"),
                                                        .product(name: "Crypto", package: "swift-crypto")],
                exclude: ["AVX512"],
                resources: [.copy("Resources/imagenet-classes.txt"), .copy("Resources/yolox-nano")],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"]),
                                .unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        // appearance: colour, type (with the type head and its training) and embeddings of vehicles from pixels
        .target(name: "SightlineAppearance", dependencies: ["SightlineData", "SightlineTracks", "SightlinePixels", "SightlineEngine", "SightlineWeightFiles", "SightlineLearning"],
                exclude: ["Resources/README.md"], resources: [.copy("Resources/type-head-v1.safetensors")]),
        // learning: layers with hand-written backward passes, contrastive losses, AdamW; matrix work through the engine's BLAS
        .target(name: "SightlineLearning", dependencies: ["SightlineData", "SightlineLanguage", "SightlineTracks", "SightlineEngine", "SightlineWeightFiles"],
                exclude: ["Resources/README.md"], resources: [.copy("Resources/learned-v2.safetensors")],
                swiftSettings: [.unsafeFlags(["-target-cpu", "haswell"]),
                                .unsafeFlags(["-Ounchecked"], .when(configuration: .release))]),
        // ranking: score terms and their registry, fusion, explanations, the feature layout
        .target(name: "SightlineRanking", dependencies: ["SightlineData", "SightlineLanguage", "SightlineTracks"],
                resources: [.copy("Resources/fitted-weights.json")]),
        // search: the search contract, request validation and filters, the in-memory backend
        .target(name: "SightlineSearch", dependencies: ["SightlineData", "SightlineRanking"]),
        // index: persistent store of tracks and their features (SQLite, PostgreSQL), search over it
        .target(name: "SightlineIndex", dependencies: [
            "SightlineData", "SightlineLanguage", "SightlineTracks", "SightlineRanking", "SightlineSearch",
            .product(name: "Algorithms", package: "swift-algorithms"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        // server: HTTP API and web page over a SearchBackend
        .target(name: "SightlineServer", dependencies: [
            "SightlineData", "SightlineLanguage", "SightlineTracks", "SightlineRanking", "SightlineSearch", "SightlinePixels", "SightlineAppearance",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Public")]),
        // test support: the ../shared lookup and skip traits, the built tool, temporary folders,
        // CityFlow-NL file writing; only test targets depend on it
        .target(name: "SightlineTestSupport", dependencies: ["SightlineData"]),
        // command-line tool: wires the implementations together
        .executableTarget(name: "sightline", dependencies: [
            "SightlineData", "SightlineLanguage", "SightlineTracks", "SightlineTracking", "SightlineEngine", "SightlinePixels", "SightlineVideo",
            "SightlineAppearance", "SightlineLearning", "SightlineRanking", "SightlineSearch", "SightlineIndex", "SightlineServer",
            .product(name: "Algorithms", package: "swift-algorithms"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "SightlineDataTests", dependencies: ["SightlineData", "SightlineTestSupport"]),
        .testTarget(name: "SightlineLanguageTests", dependencies: ["SightlineLanguage", "SightlineData", "SightlineTestSupport"]),
        .testTarget(name: "SightlineTracksTests", dependencies: ["SightlineTracks", "SightlineData", "SightlineTestSupport"]),
        .testTarget(name: "SightlineTrackingTests", dependencies: ["SightlineTracking", "SightlineData", "SightlineTestSupport"]),
        .testTarget(name: "SightlineEngineTests", dependencies: ["SightlineEngine", "SightlineEngineAVX512", "SightlineWeightFiles", "SightlinePixels", "SightlineTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SightlinePixelsTests", dependencies: ["SightlinePixels", "CTurboJPEG", "CPNG", "SightlineTestSupport"]),
        .testTarget(name: "SightlineVideoTests", dependencies: ["SightlineVideo", "SightlinePixels", "SightlineData", "SightlineTestSupport"]),
        .testTarget(name: "SightlineAppearanceTests", dependencies: ["SightlineAppearance", "SightlineData", "SightlinePixels", "SightlineEngine", "SightlineTestSupport"]),
        .testTarget(name: "SightlineLearningTests", dependencies: ["SightlineLearning", "SightlineEngine", "SightlineData", "SightlineRanking", "SightlineTracks", "SightlineWeightFiles", "SightlineTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "SightlineRankingTests", dependencies: ["SightlineRanking", "SightlineData", "SightlineLanguage", "SightlineTracks", "SightlineTestSupport"]),
        .testTarget(name: "SightlineIndexTests", dependencies: [
            "SightlineIndex", "SightlineSearch", "SightlineData", "SightlineRanking", "SightlineLanguage", "SightlineTracks",
            "SightlineAppearance", "SightlineLearning", "sightline", "SightlineTestSupport",
        ]),
        .testTarget(name: "SightlineServerTests", dependencies: [
            "SightlineServer", "SightlineSearch", "SightlineIndex", "SightlineRanking", "SightlineData", "SightlinePixels", "SightlineTestSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "SightlineCLITests", dependencies: ["sightline", "SightlineData", "SightlinePixels", "SightlineTestSupport"]),
    ]
)
