// swift-tools-version:6.1
// libFuzzer harnesses for the parsers that read untrusted bytes. A separate package so that the
// fuzz build (`-sanitize=fuzzer,address`) compiles only the parsers and NIOCore, not BoringSSL or
// the servers. The parser targets below are symlinks to the real source folders (Sources/...):
// the fuzzers run exactly the code the server runs. Build and run with `scripts/fuzz`.
import PackageDescription

let package = Package(
    name: "FacteurFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The grammar folders of the protocol servers depend only on NIOCore (and Foundation).
        .target(name: "SMTPGrammar", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "IMAPGrammar", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "POP3Grammar", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        // The shared CRLF line framer of the SMTP and POP3 framing handlers.
        .target(name: "ProtocolListener", dependencies: [.product(name: "NIOCore", package: "swift-nio")]),
        .target(name: "LineFraming", dependencies: [
            "ProtocolListener", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .target(name: "MailMessage"),
        .target(name: "Sieve", dependencies: ["MailMessage"]),
        // libFuzzer's driver, called from each harness's main.swift (see FuzzDriver.swift).
        .target(name: "FuzzSupport"),

        .executableTarget(name: "FuzzSMTPCommand", dependencies: ["SMTPGrammar", "LineFraming", "FuzzSupport"]),
        .executableTarget(name: "FuzzIMAPCommand", dependencies: [
            "IMAPGrammar", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .executableTarget(name: "FuzzPOP3Command", dependencies: ["POP3Grammar", "LineFraming", "FuzzSupport"]),
        .executableTarget(name: "FuzzMIMEMessage", dependencies: ["MailMessage", "FuzzSupport"]),
        .executableTarget(name: "FuzzSieveScript", dependencies: ["Sieve", "FuzzSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
