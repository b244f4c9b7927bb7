// The server's certificate and key, ready for NIOSSL: either the files named in [tls] or a
// self-signed certificate made once in the data directory.
import Crypto
import Foundation
import Logging
import NIOSSL
import X509

/// The TLS identity every TLS listener and STARTTLS share.
///
/// Load it once at start; `sslContext` is thread-safe and may be used by every listener.
public struct TLSMaterial: Sendable {
    /// Where the certificate came from, for the start-up log line.
    public enum Origin: Sendable, Equatable {
        /// The `[tls]` files.
        case configured(certificatePath: String, keyPath: String)
        /// `<data_dir>/tls/selfsigned.crt`; `generated` is true when it was made during this load.
        case selfSigned(certificatePath: String, generated: Bool)
    }

    /// Server-side context, TLS 1.2 minimum.
    public let sslContext: NIOSSLContext
    /// The chain served, leaf first.
    public let certificateChain: [NIOSSLCertificate]
    /// SHA-256 of the leaf certificate's DER, upper-case hex pairs joined by ":" (the form
    /// `openssl x509 -fingerprint -sha256` prints), so users can compare what a client shows.
    public let fingerprintSHA256: String
    public let origin: Origin

    /// Loads the configured files, or reuses (making it first when needed) the self-signed pair.
    /// - Parameter now: the clock for expiry checks; a parameter so tests can move it.
    public static func load(configuration: FacteurConfiguration, logger: Logger,
                            now: Date = Date()) throws -> TLSMaterial {
        let material: TLSMaterial
        if let files = configuration.tls {
            material = try loadConfigured(files)
        } else {
            material = try loadSelfSigned(dataDirectory: configuration.dataDirectory,
                                          hostname: configuration.hostname, now: now, logger: logger)
        }
        logger.info("tls certificate", metadata: [
            "tls.certificate": "\(material.origin.certificatePath)",
            "tls.sha256": "\(material.fingerprintSHA256)",
        ])
        return material
    }

    init(chain: [NIOSSLCertificate], key: NIOSSLPrivateKey, origin: Origin) throws {
        var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tlsConfiguration.minimumTLSVersion = .tlsv12
        sslContext = try NIOSSLContext(configuration: tlsConfiguration)
        certificateChain = chain
        guard let leaf = chain.first else {
            throw TLSMaterialError(path: origin.certificatePath, message: "no certificate in the file")
        }
        let digest = SHA256.hash(data: try leaf.toDERBytes())
        fingerprintSHA256 = digest.map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
        self.origin = origin
    }

    // MARK: Configured files

    static func loadConfigured(_ files: FacteurConfiguration.TLSFiles, origin: Origin? = nil) throws -> TLSMaterial {
        let certificatePEM = try readText(files.certificatePath, what: "certificate")
        let keyPEM = try readText(files.keyPath, what: "private key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
        } catch {
            throw TLSMaterialError(path: files.certificatePath, message: "not a PEM certificate chain (\(error))")
        }
        guard !chain.isEmpty else {
            throw TLSMaterialError(path: files.certificatePath, message: "no certificate in the file")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw TLSMaterialError(path: files.keyPath, message: "not a PEM private key (\(error))")
        }
        try checkKeyMatches(certificatePEM: certificatePEM, keyPEM: keyPEM, files: files)
        let origin = origin ?? .configured(certificatePath: files.certificatePath, keyPath: files.keyPath)
        do {
            return try TLSMaterial(chain: chain, key: key, origin: origin)
        } catch let error as TLSMaterialError {
            throw error
        } catch {
            throw TLSMaterialError(path: files.keyPath,
                                   message: "cannot be used with \(files.certificatePath): \(error)")
        }
    }

    /// Refuses a key that does not belong to the leaf certificate, naming both files, rather than
    /// letting every handshake fail later. Key types swift-certificates cannot read are left to
    /// BoringSSL's own check when the context is made.
    private static func checkKeyMatches(certificatePEM: String, keyPEM: String,
                                        files: FacteurConfiguration.TLSFiles) throws {
        guard let leaf = try? Certificate(pemEncoded: certificatePEM),
              let key = try? Certificate.PrivateKey(pemEncoded: keyPEM) else { return }
        guard key.publicKey == leaf.publicKey else {
            throw TLSMaterialError(path: files.keyPath,
                                   message: "does not match the certificate in \(files.certificatePath)")
        }
    }

    private static func readText(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSMaterialError(path: path, message: "cannot read the \(what) file")
        }
        // PEM files are a few kilobytes; a long chain stays well under this.
        guard data.count <= 1 << 20, let text = String(validating: data, as: UTF8.self) else {
            throw TLSMaterialError(path: path, message: "the \(what) file is not PEM text")
        }
        return text
    }

    // MARK: Self-signed

    static func loadSelfSigned(dataDirectory: String, hostname: String, now: Date,
                               logger: Logger) throws -> TLSMaterial {
        let directory = (dataDirectory as NSString).appendingPathComponent("tls")
        let certificatePath = (directory as NSString).appendingPathComponent(SelfSignedCertificate.certificateFileName)
        let keyPath = (directory as NSString).appendingPathComponent(SelfSignedCertificate.keyFileName)
        let files = FacteurConfiguration.TLSFiles(certificatePath: certificatePath, keyPath: keyPath)

        // Any problem with the stored pair (missing, expired, other hostname, key not matching
        // after an interrupted write) means: make a new one.
        if let existing = try? String(contentsOfFile: certificatePath, encoding: .utf8),
           let certificate = try? Certificate(pemEncoded: existing),
           SelfSignedCertificate.isUsable(certificate, hostname: hostname, now: now),
           let reused = try? loadConfigured(files, origin: .selfSigned(certificatePath: certificatePath,
                                                                       generated: false)) {
            return reused
        }

        logger.notice("generating a self-signed certificate", metadata: ["tls.certificate": "\(certificatePath)"])
        let made: (certificatePEM: String, keyPEM: String)
        do {
            made = try SelfSignedCertificate.make(hostname: hostname, now: now)
        } catch {
            throw TLSMaterialError(path: certificatePath, message: "cannot make a self-signed certificate: \(error)")
        }
        try PrivateFile.createDirectory(directory)
        // Key first: a crash between the two writes leaves an old certificate whose key no
        // longer matches, which the next start detects and replaces.
        try PrivateFile.write(made.keyPEM, to: keyPath, mode: 0o600)
        try PrivateFile.write(made.certificatePEM, to: certificatePath, mode: 0o644)
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(made.certificatePEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(made.keyPEM.utf8), format: .pem)
        return try TLSMaterial(chain: chain, key: key, origin: .selfSigned(certificatePath: certificatePath, generated: true))
    }
}

extension TLSMaterial.Origin {
    /// The certificate file, whichever kind this is.
    public var certificatePath: String {
        switch self {
        case .configured(let path, _): return path
        case .selfSigned(let path, _): return path
        }
    }
}
