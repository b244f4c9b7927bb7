import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import NetworkTestSupport
import SwiftASN1
import Testing
import X509
@testable import FacteurServer

@Suite struct TLSMaterialTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func configuration(dataDirectory: String, hostname: String = "mx.example.test") -> FacteurConfiguration {
        FacteurConfiguration(hostname: hostname, dataDirectory: dataDirectory)
    }

    @Test func selfSignedPairIsMadeOnceInTheDataDirectory() throws {
        let directory = try ConfigurationScratchDirectory()
        let first = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        let certificatePath = directory.path + "/tls/selfsigned.crt"
        let keyPath = directory.path + "/tls/selfsigned.key"
        #expect(first.origin == .selfSigned(certificatePath: certificatePath, generated: true))

        let keyMode = try #require(try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
        #expect(keyMode == 0o600)
        #expect(first.fingerprintSHA256.count == 32 * 3 - 1)
        #expect(first.fingerprintSHA256.allSatisfy { $0 == ":" || $0.isHexDigit && !$0.isLowercase })

        let certificateBefore = try String(contentsOfFile: certificatePath, encoding: .utf8)
        let keyBefore = try String(contentsOfFile: keyPath, encoding: .utf8)
        let second = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        #expect(second.origin == .selfSigned(certificatePath: certificatePath, generated: false))
        #expect(second.fingerprintSHA256 == first.fingerprintSHA256)
        #expect(try String(contentsOfFile: certificatePath, encoding: .utf8) == certificateBefore)
        #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == keyBefore)
    }

    @Test func selfSignedCertificateHasTheAdvertisedShape() throws {
        let directory = try ConfigurationScratchDirectory()
        let now = Date()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger, now: now)
        let pem = try String(contentsOfFile: directory.path + "/tls/selfsigned.crt", encoding: .utf8)
        let certificate = try Certificate(pemEncoded: pem)
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(certificate.issuer == certificate.subject)
        #expect(abs(certificate.notValidAfter.timeIntervalSince(now) - 365 * 24 * 3600) < 60)
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(names.contains(.dnsName("mx.example.test")))
        #expect(names.contains(.dnsName("localhost")))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))))
        #expect(names.contains(.ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))))
        // The key on disk is the certificate's.
        let key = try Certificate.PrivateKey(pemEncoded: String(contentsOfFile: directory.path + "/tls/selfsigned.key",
                                                                encoding: .utf8))
        #expect(key.publicKey == certificate.publicKey)
    }

    @Test func expiringCertificateIsReplaced() throws {
        let directory = try ConfigurationScratchDirectory()
        let first = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        let nextYear = Date().addingTimeInterval(365 * 24 * 3600)
        let later = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger,
                                         now: nextYear)
        #expect(later.origin == .selfSigned(certificatePath: directory.path + "/tls/selfsigned.crt", generated: true))
        #expect(later.fingerprintSHA256 != first.fingerprintSHA256)
    }

    @Test func changedHostnameGetsANewCertificate() throws {
        let directory = try ConfigurationScratchDirectory()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        let renamed = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path,
                                                                        hostname: "mail.example.test"), logger: logger)
        #expect(renamed.origin == .selfSigned(certificatePath: directory.path + "/tls/selfsigned.crt", generated: true))
    }

    @Test func unmatchedStoredPairIsReplacedNotFatal() throws {
        // As after a crash between writing the new key and the new certificate.
        let directory = try ConfigurationScratchDirectory()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        let other = try ConfigurationScratchDirectory()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: other.path), logger: logger)
        try FileManager.default.removeItem(atPath: directory.path + "/tls/selfsigned.key")
        try FileManager.default.copyItem(atPath: other.path + "/tls/selfsigned.key",
                                         toPath: directory.path + "/tls/selfsigned.key")
        let repaired = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        #expect(repaired.origin == .selfSigned(certificatePath: directory.path + "/tls/selfsigned.crt", generated: true))
    }

    @Test(.enabled(if: OpenSSLTool.exists, "openssl not installed"),
          arguments: [["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"], ["-newkey", "rsa:2048"]])
    func configuredPairMadeByOpenSSLLoads(keyOptions: [String]) throws {
        let directory = try ConfigurationScratchDirectory()
        let files = try OpenSSLTool.makeSelfSigned(in: directory, name: "server", keyOptions: keyOptions)
        var configuration = configuration(dataDirectory: directory.path + "/data")
        configuration.tls = files
        let material = try TLSMaterial.load(configuration: configuration, logger: logger)
        #expect(material.origin == .configured(certificatePath: files.certificatePath, keyPath: files.keyPath))
        #expect(material.certificateChain.count == 1)
        #expect(material.fingerprintSHA256 == (try OpenSSLTool.fingerprint(files.certificatePath)))
        // Nothing is generated when files are configured.
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/data/tls/selfsigned.crt"))
    }

    @Test func missingKeyFileIsNamed() throws {
        let directory = try ConfigurationScratchDirectory()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        var configuration = configuration(dataDirectory: directory.path)
        let missing = directory.path + "/no-such-key.pem"
        configuration.tls = .init(certificatePath: directory.path + "/tls/selfsigned.crt", keyPath: missing)
        #expect(throws: TLSMaterialError(path: missing, message: "cannot read the private key file")) {
            try TLSMaterial.load(configuration: configuration, logger: logger)
        }
        configuration.tls = .init(certificatePath: directory.path + "/nothing.crt", keyPath: missing)
        #expect(throws: TLSMaterialError(path: directory.path + "/nothing.crt",
                                         message: "cannot read the certificate file")) {
            try TLSMaterial.load(configuration: configuration, logger: logger)
        }
    }

    @Test func keyOfAnotherCertificateIsRefusedNamingBothFiles() throws {
        let first = try ConfigurationScratchDirectory()
        let second = try ConfigurationScratchDirectory()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: first.path), logger: logger)
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: second.path), logger: logger)
        var configuration = configuration(dataDirectory: first.path)
        let certificatePath = first.path + "/tls/selfsigned.crt"
        let keyPath = second.path + "/tls/selfsigned.key"
        configuration.tls = .init(certificatePath: certificatePath, keyPath: keyPath)
        #expect(throws: TLSMaterialError(path: keyPath, message: "does not match the certificate in \(certificatePath)")) {
            try TLSMaterial.load(configuration: configuration, logger: logger)
        }
    }

    @Test func garbageCertificateFileIsNamed() throws {
        let directory = try ConfigurationScratchDirectory()
        _ = try TLSMaterial.load(configuration: configuration(dataDirectory: directory.path), logger: logger)
        let garbage = directory.write("garbage.pem", "not a certificate\n")
        var configuration = configuration(dataDirectory: directory.path)
        configuration.tls = .init(certificatePath: garbage, keyPath: directory.path + "/tls/selfsigned.key")
        do {
            _ = try TLSMaterial.load(configuration: configuration, logger: logger)
            Issue.record("garbage certificate accepted")
        } catch let error as TLSMaterialError {
            #expect(error.path == garbage)
        }
    }
}

/// Real handshakes over loopback: the context serves, the SANs satisfy hostname verification, and
/// anything below TLS 1.2 is refused.
@Suite struct TLSHandshakeTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func selfSignedContextCompletesHandshakesFromTLS12Up() async throws {
        let directory = try ConfigurationScratchDirectory()
        let material = try TLSMaterial.load(
            configuration: FacteurConfiguration(hostname: "mx.example.test", dataDirectory: directory.path),
            logger: logger)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: material.sslContext))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)

        for hostname in ["mx.example.test", "localhost"] {
            await #expect(throws: Never.self, "\(hostname)") {
                try await Self.handshake(port: port, group: group, trusting: material, hostname: hostname,
                                         minimum: .tlsv12, maximum: .tlsv12)
            }
            await #expect(throws: Never.self, "\(hostname)") {
                try await Self.handshake(port: port, group: group, trusting: material, hostname: hostname,
                                         minimum: .tlsv13, maximum: nil)
            }
        }
        await #expect(throws: (any Error).self, "TLS 1.1 must be refused") {
            try await Self.handshake(port: port, group: group, trusting: material, hostname: "localhost",
                                     minimum: .tlsv1, maximum: .tlsv11)
        }
        // Verification really happens: a client trusting another self-signed certificate fails.
        // (A wrong host name alone would pass here: NIOSSL accepts the 127.0.0.1 SAN for the peer.)
        let elsewhere = try ConfigurationScratchDirectory()
        let stranger = try TLSMaterial.load(
            configuration: FacteurConfiguration(hostname: "mx.example.test", dataDirectory: elsewhere.path),
            logger: logger)
        await #expect(throws: (any Error).self, "an untrusted certificate must fail verification") {
            try await Self.handshake(port: port, group: group, trusting: stranger, hostname: "localhost",
                                     minimum: .tlsv12, maximum: nil)
        }
        try await server.close()
        try await group.shutdownGracefully()
    }

    static func handshake(port: Int, group: EventLoopGroup, trusting material: TLSMaterial, hostname: String,
                          minimum: TLSVersion, maximum: TLSVersion?) async throws {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(material.certificateChain)
        configuration.minimumTLSVersion = minimum
        configuration.maximumTLSVersion = maximum
        let context = try NIOSSLContext(configuration: configuration)
        let done = group.next().makePromise(of: Void.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: hostname))
                    try channel.pipeline.syncOperations.addHandler(HandshakeWatcher(done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        defer { channel.close(promise: nil) }
        try await done.futureResult.get()
    }

    /// Completes `done` with the handshake's outcome, once.
    final class HandshakeWatcher: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        struct ClosedBeforeHandshake: Error {}
        let done: EventLoopPromise<Void>
        var finished = false

        init(done: EventLoopPromise<Void>) { self.done = done }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted = event as? TLSUserEvent { finish(nil) }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { finish(error) }

        func channelInactive(context: ChannelHandlerContext) { finish(ClosedBeforeHandshake()) }

        private func finish(_ error: (any Error)?) {
            guard !finished else { return }
            finished = true
            if let error { done.fail(error) } else { done.succeed(()) }
        }
    }
}

/// The openssl CLI, to make certificates the way administrators do.
private enum OpenSSLTool {
    static var exists: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    static func makeSelfSigned(in directory: ConfigurationScratchDirectory, name: String,
                               keyOptions: [String]) throws -> FacteurConfiguration.TLSFiles {
        let keyPath = directory.path + "/\(name).key"
        let certificatePath = directory.path + "/\(name).crt"
        _ = try run(["req", "-x509"] + keyOptions + ["-nodes", "-keyout", keyPath, "-out", certificatePath,
                                                     "-days", "30", "-subj", "/CN=mx.example.test",
                                                     "-addext", "subjectAltName=DNS:mx.example.test"])
        return .init(certificatePath: certificatePath, keyPath: keyPath)
    }

    /// `AB:CD:…` as `openssl x509 -fingerprint -sha256` prints it.
    static func fingerprint(_ certificatePath: String) throws -> String {
        let output = try run(["x509", "-in", certificatePath, "-noout", "-fingerprint", "-sha256"])
        return String(output.split(separator: "=").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Failed: Error {}

    static func run(_ arguments: [String]) throws -> String {
        let result = try ChildProcess.run("/usr/bin/openssl", arguments)
        guard result.succeeded else { throw Failed() }
        return result.text
    }
}
