// swift-tools-version:6.1
// facteur-bench: compiled load generators for Benchmarks/compare.py. A package of its own, with no
// dependencies and nothing shared with the server, so it builds in seconds on a fresh machine and
// costs every server it measures the same (and as little as a client can).
import PackageDescription

let package = Package(
    name: "FacteurBench",
    products: [
        .executable(name: "facteur-bench", targets: ["facteur-bench"]),
    ],
    targets: [
        .executableTarget(name: "facteur-bench"),
    ]
)
