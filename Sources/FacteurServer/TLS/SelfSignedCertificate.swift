// The certificate Facteur makes for itself when [tls] is absent, so development setups and first
// starts speak TLS at once. Made with swift-certificates; reused across restarts.
import Crypto
import Foundation
import SwiftASN1
import X509

/// Makes and inspects the self-signed certificate kept in `<data_dir>/tls`.
enum SelfSignedCertificate {
    static let certificateFileName = "selfsigned.crt"
    static let keyFileName = "selfsigned.key"
    static let validity: TimeInterval = 365 * 24 * 3600
    /// A certificate this close to expiry is replaced at start rather than left to lapse mid-run.
    static let renewalMargin: TimeInterval = 24 * 3600

    /// PEM text of a new certificate and its key: ECDSA P-256, valid a year, SANs for `hostname`,
    /// localhost, 127.0.0.1 and ::1.
    static func make(hostname: String, now: Date) throws -> (certificatePEM: String, keyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName(hostname)
            OrganizationName("Facteur self-signed")
        }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(subjectAlternativeNames(for: hostname))
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            // A little in the past, for clients whose clock runs slightly behind.
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(validity),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }

    /// True when the stored certificate can serve on: not expiring within the renewal margin and
    /// still naming `hostname` (it changes when the configuration does).
    static func isUsable(_ certificate: Certificate, hostname: String, now: Date) -> Bool {
        guard certificate.notValidAfter > now.addingTimeInterval(renewalMargin),
              certificate.notValidBefore <= now.addingTimeInterval(300) else { return false }
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
        return subjectAlternativeNames(for: hostname).allSatisfy { names.contains($0) }
    }

    static func subjectAlternativeNames(for hostname: String) -> [GeneralName] {
        var names: [GeneralName] = []
        if let address = ipAddressBytes(hostname) {
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(address))))
        } else if hostname.lowercased() != "localhost" {
            names.append(.dnsName(hostname))
        }
        names.append(.dnsName("localhost"))
        for loopback in ["127.0.0.1", "::1"] {
            if let bytes = ipAddressBytes(loopback) {
                let name = GeneralName.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// The 4 or 16 address bytes of an IP literal, nil for a host name.
    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
