import MailMessage

/// Address parts for the address and envelope tests (RFC 5228 §2.7.4) and subaddress (RFC 5233 §4),
/// built on MailMessage's RFC 5322 address parser.
enum SieveAddress {
    /// RFC 5233 §4: the separator between user and detail; "+" is what most deployments use, and
    /// `SieveInterpreter.Options.recipientDelimiters` changes it (some sites use "-").
    static let detailSeparator = "+"

    /// The single mailbox in `text`, or nil when it is not exactly one valid address.
    static func mailbox(_ text: String) -> (localPart: String, domain: String)? {
        let mailboxes = AddressParser.parse(text).filter { $0.kind == .mailbox }
        guard mailboxes.count == 1, let local = mailboxes[0].localPart, let domain = mailboxes[0].domain,
              !local.isEmpty, domain != Address.missingDomain, local != Address.missingMailbox else { return nil }
        return (local, domain)
    }

    /// Every mailbox of a header value as (local part, domain); groups contribute their members.
    static func mailboxes(inHeaderValue value: String) -> [(localPart: String, domain: String?)] {
        AddressParser.parse(value).compactMap { address in
            guard address.kind == .mailbox, let local = address.localPart else { return nil }
            let domain = address.domain == Address.missingDomain ? nil : address.domain
            return (local == Address.missingMailbox ? "" : local, domain)
        }
    }

    /// An envelope address as written in SMTP (`user@example.com`, maybe in angle brackets, or empty).
    static func envelopeParts(_ address: String) -> (localPart: String, domain: String?) {
        var text = Substring(address)
        if text.hasPrefix("<"), text.hasSuffix(">") { text = text.dropFirst().dropLast() }
        guard let at = text.lastIndex(of: "@") else { return (String(text), nil) }
        return (String(text[..<at]), String(text[text.index(after: at)...]))
    }

    /// The requested part, or nil when the part does not exist (RFC 5233 §4: :detail of an address
    /// without a separator does not match anything).
    static func part(_ part: SieveMatchSpec.AddressPart, localPart: String, domain: String?,
                     explicitDetail: String? = nil, delimiters: String = detailSeparator) -> String? {
        switch part {
        case .all:
            guard let domain else { return localPart }
            return localPart + "@" + domain
        case .localpart:
            return localPart
        case .domain:
            return domain ?? ""
        case .user:
            guard let separator = localPart.firstIndex(where: delimiters.contains) else { return localPart }
            return String(localPart[..<separator])
        case .detail:
            guard let separator = localPart.firstIndex(where: delimiters.contains) else { return explicitDetail }
            return String(localPart[localPart.index(after: separator)...])
        }
    }
}
