// A throw-away self-signed certificate for the TLS tests of every protocol server, made with the
// openssl CLI at test time.

import Foundation
import NIOSSL

public enum TestCertificate {
    public struct OpenSSLFailed: Error {}

    public static func makeServerContext() throws -> NIOSSLContext {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("facteur-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let cert = directory.appendingPathComponent("cert.pem").path
        let openssl = try ChildProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", key, "-out", cert, "-days", "1", "-nodes", "-subj", "/CN=localhost"])
        guard openssl.succeeded else { throw OpenSSLFailed() }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        return try NIOSSLContext(configuration: configuration)
    }
}
