// swift-tools-version:6.1
// Facteur: a mail server for organisations. DESIGN.md (../shared) is the module map.
import PackageDescription

let package = Package(
    name: "Facteur",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "facteur", targets: ["facteur"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
    ],
    targets: [
        // C shims: libargon2 (Debian libargon2-dev) and crypt_rn (libcrypt).
        .systemLibrary(name: "CArgon2", path: "Sources/CArgon2", pkgConfig: "libargon2",
                       providers: [.apt(["libargon2-dev"])]),
        .target(name: "CCrypt", path: "Sources/CCrypt", linkerSettings: [.linkedLibrary("crypt")]),
        // libsodium (Debian libsodium-dev): its Argon2 is the fast path of password verification.
        .systemLibrary(name: "CSodium", path: "Sources/CSodium", pkgConfig: "libsodium",
                       providers: [.apt(["libsodium-dev"])]),
        // zlib (Debian zlib1g-dev) for IMAP COMPRESS=DEFLATE (RFC 4978).
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        .target(name: "MailMessage"),
        .target(name: "MailStore", dependencies: [
            "MailMessage",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "Auth", dependencies: [
            "MailStore", "CArgon2", "CCrypt", "CSodium",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The accept loop shared by the line-protocol servers (SMTP/LMTP, POP3, IMAP, ManageSieve).
        .target(name: "ProtocolListener", dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SMTPServer", dependencies: [
            "MailMessage", "Auth", "ProtocolListener",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOExtras", package: "swift-nio-extras"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "Delivery", dependencies: [
            "MailStore", "MailMessage", "Sieve",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "IMAPServer", dependencies: [
            "MailMessage", "MailStore", "Auth", "ProtocolListener", "CZlib",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "Sieve", dependencies: ["MailMessage"]),
        .target(name: "POP3Server", dependencies: [
            "MailStore", "Auth", "ProtocolListener",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "ManageSieveServer", dependencies: [
            "Sieve", "MailStore", "Auth", "ProtocolListener",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "HTTPServer", dependencies: [
            "MailStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .target(name: "FacteurServer", dependencies: [
            "MailMessage", "MailStore", "Auth", "SMTPServer", "Delivery", "HTTPServer", "Sieve", "POP3Server", "IMAPServer",
            "ManageSieveServer",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .executableTarget(name: "facteur", dependencies: [
            "FacteurServer", "Sieve", "MailStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Shared by the protocol servers' test targets (not a test target itself).
        .target(name: "NetworkTestSupport", dependencies: [
            "MailStore", "Auth",   // the protocol servers' shared store fixture
            .product(name: "Crypto", package: "swift-crypto"),   // the SCRAM test client's HMAC
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Metrics", package: "swift-metrics"),   // CountingMetricsFactory
        ], path: "Tests/NetworkTestSupport"),
        .testTarget(name: "MailMessageTests", dependencies: ["MailMessage"]),
        .testTarget(name: "MailStoreTests", dependencies: ["MailStore"]),
        .testTarget(name: "AuthTests", dependencies: ["Auth", "NetworkTestSupport"]),
        .testTarget(name: "ProtocolListenerTests", dependencies: [
            "ProtocolListener", "NetworkTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SMTPServerTests", dependencies: [
            "SMTPServer", "NetworkTestSupport",
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery"]),
        .testTarget(name: "IMAPServerTests", dependencies: [
            "IMAPServer", "MailStore", "MailMessage", "NetworkTestSupport", "CZlib",
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .testTarget(name: "SieveTests", dependencies: ["Sieve", "MailMessage"]),
        .testTarget(name: "POP3ServerTests", dependencies: [
            "POP3Server", "MailStore", "Auth", "NetworkTestSupport",
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .testTarget(name: "ManageSieveServerTests", dependencies: [
            "ManageSieveServer", "MailStore", "Auth", "Sieve", "NetworkTestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .testTarget(name: "HTTPServerTests", dependencies: [
            "HTTPServer",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "FacteurServerTests", dependencies: ["FacteurServer", "NetworkTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["FacteurServer"]),
    ],
    swiftLanguageModes: [.v6]
)
