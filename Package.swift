// swift-tools-version:6.2
import PackageDescription

/// Every target of ours is built in Swift 6 mode with warnings as errors.
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "openlayer-drop",
    products: [
        .executable(name: "openlayer-drop", targets: ["OpenlayerDropCommand"]),
        .executable(name: "openlayer-sandbox", targets: ["OpenlayerSandboxServer"]),
        .executable(name: "encode-throughput", targets: ["EncodeThroughput"]),
        .executable(name: "drop-fuzz", targets: ["DropFuzz"]),
        .library(name: "OpenlayerSandbox", targets: ["OpenlayerSandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already built for AsyncHTTPClient; named for the TLS settings (a custom CA, mTLS).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The engine records through swift-metrics; the daemon exposes it in Prometheus' text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // The inotify binding: libinotifytools from Debian, wrapped in one Swift file of InboxWatcher.
        .systemLibrary(
            name: "CInotifyTools",
            providers: [.apt(["libinotifytools0-dev"])]
        ),
        .target(
            name: "InboxWatcher",
            dependencies: ["CInotifyTools"],
            swiftSettings: strict
        ),
        // The JSON value, parser and writer (key order kept, integers apart from doubles); no zlib, Arrow or tar.
        .target(name: "DropJSON", swiftSettings: strict),
        // The file formats as the product needs them: streaming CSV and JSONL readers; CSV, Arrow IPC and tar.gz writers.
        .target(
            name: "DropFormats",
            dependencies: [
                "DropJSON",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Reads back what openlayer-drop writes (Arrow IPC streams, tar.gz packages), for the sandbox, tests and fuzzing.
        .target(name: "PackageReading", dependencies: ["DropFormats", "DropJSON"], swiftSettings: strict),
        // Openlayer's REST API; knows nothing about files.
        .target(
            name: "OpenlayerAPI",
            dependencies: [
                "DropJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // One SHA-256 block without a hashing context (a generated inference id per row), and
        // CRC-32C (a file segment's checksum), with the processor's instructions where it has them.
        .target(name: "CHashing"),
        // Config, validation, defaults, batching, the delivery journal and archiving.
        .target(
            name: "DropEngine",
            dependencies: [
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                "CHashing",
                "DropFormats",
                "DropJSON",
                "OpenlayerAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // The long-running service: watcher + engine + client under one ServiceGroup.
        .target(
            name: "DropDaemon",
            dependencies: [
                "InboxWatcher",
                "DropEngine",
                "DropFormats",
                "OpenlayerAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "OpenlayerDropCommand",
            dependencies: [
                "DropDaemon",
                "DropEngine",
                "DropJSON",
                "InboxWatcher",
                "OpenlayerAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A local Openlayer-compatible server for demos and tests.
        .target(
            name: "OpenlayerSandbox",
            dependencies: [
                "DropFormats",
                "DropJSON",
                "PackageReading",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "OpenlayerSandboxServer",
            dependencies: [
                "OpenlayerSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Parse → type → JSON on one core, for scripts/bench.sh.
        .executableTarget(
            name: "EncodeThroughput",
            dependencies: ["DropEngine"],
            path: "Benchmarks/EncodeThroughput",
            swiftSettings: strict
        ),
        // libFuzzer harnesses for what reads dropped files and configs (scripts/fuzz.sh); built
        // normally, it replays the files it is given, which the tests do with the seed corpus.
        .executableTarget(
            name: "DropFuzz",
            dependencies: ["DropEngine", "DropFormats", "DropJSON", "PackageReading"],
            path: "Fuzz/Harness",
            swiftSettings: strict
        ),
        .testTarget(name: "DropJSONTests", dependencies: ["DropJSON"], swiftSettings: strict),
        .testTarget(
            name: "DropFormatsTests", dependencies: ["DropFormats", "DropJSON", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // The readers, and the writers' round trips through them, pyarrow, gzip and GNU tar.
        .testTarget(
            name: "PackageReadingTests", dependencies: ["PackageReading", "DropFormats", "DropJSON"], swiftSettings: strict),
        .testTarget(name: "InboxWatcherTests", dependencies: ["InboxWatcher"], swiftSettings: strict),
        .testTarget(
            name: "OpenlayerAPITests",
            dependencies: ["OpenlayerAPI", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DropEngineTests",
            dependencies: [
                "DropEngine", "DropJSON", "PackageReading", "CHashing", "OpenlayerAPI",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Corpus")], swiftSettings: strict),
        // The sandbox run in the test's own process, one way for every test target that wants it.
        .target(
            name: "SandboxTestSupport",
            dependencies: [
                "OpenlayerSandbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/SandboxTestSupport",
            swiftSettings: strict
        ),
        // FileProcessor in process against the in-process sandbox: the middle layer, without binaries.
        .testTarget(
            name: "FileLifecycleTests",
            dependencies: [
                "DropEngine",
                "DropFormats",
                "DropJSON",
                "OpenlayerAPI",
                "SandboxTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "OpenlayerSandboxTests",
            dependencies: [
                "OpenlayerSandbox",
                "DropFormats",
                "DropJSON",
                "SandboxTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "OpenlayerDropCommand",
                "OpenlayerSandboxServer",
                "DropFuzz",
                "DropEngine",
                "DropFormats",
                "DropJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
    ]
)
