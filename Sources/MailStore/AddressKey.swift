// E-mail address normalisation for accounts and aliases: the domain is stored lower-case, lookups
// are case-insensitive on the whole address.
import Foundation

/// A checked address split into its parts, with the key used for case-insensitive lookups.
struct AddressKey: Sendable, Equatable {
    /// RFC 5321 §4.5.3.1.1 and §4.5.3.1.2: local part up to 64 octets, domain up to 255.
    static let maxLocalBytes = 64
    static let maxDomainBytes = 255

    let address: String                  // local part as given, "@", domain lower-case
    let key: String                      // the whole address lower-case
    let domain: String

    init(_ raw: String) throws(StoreError) {
        guard let at = raw.lastIndex(of: "@") else { throw .invalidName("address without @") }
        let local = String(raw[raw.startIndex..<at])
        let domain = try AddressKey.domainName(String(raw[raw.index(after: at)...]))
        guard !local.isEmpty, local.utf8.count <= AddressKey.maxLocalBytes,
              !local.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw .invalidName("address local part")
        }
        self.domain = domain
        self.address = local + "@" + domain
        self.key = local.lowercased() + "@" + domain
    }

    /// Checks a domain name and returns its stored (lower-case) form.
    static func domainName(_ raw: String) throws(StoreError) -> String {
        let name = raw.lowercased()
        guard !name.isEmpty, name.utf8.count <= maxDomainBytes else { throw .invalidName("domain length") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.contains(where: { $0.isEmpty || $0.utf8.count > 63 }) else {
            throw .invalidName("domain has an empty or over-long label")
        }
        let forbidden = Set("@/\\[]()<>,;:\"".unicodeScalars)
        guard !name.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || forbidden.contains($0) }) else {
            throw .invalidName("domain contains forbidden characters")
        }
        return name
    }
}
