// Where a FETCH section lies in the stored bytes (prefix + content), from the stored MIME tree.

import MailMessage

/// What a BODY[section] or BINARY[part] designates in one stored message.
///
/// The summary's ranges are relative to the content; the stored message is `prefix + content`, so
/// every range is shifted by `prefixLength`, and the root header (BODY[HEADER]) starts at 0 so that it
/// includes the Return-Path/Delivered-To lines added at delivery.
struct IMAPSectionLocator: Sendable {
    /// What to send for a BODY section.
    enum Content: Equatable, Sendable {
        /// These octets of the stored message, as they are.
        case octets(Range<Int>)
        /// A header block (these octets) filtered by HEADER.FIELDS / HEADER.FIELDS.NOT.
        case filteredHeader(Range<Int>, names: [String], keepsMatches: Bool)
        /// No such part: an empty string.
        case missing
    }

    /// What to decode for BINARY: the part's body and how it is encoded.
    struct BinarySource: Equatable, Sendable {
        var octets: Range<Int>
        /// Content-Transfer-Encoding; "binary" for whole messages and non-leaf parts, sent as they are.
        var encoding: String
        var isText: Bool
    }

    let summary: MessageSummary
    let prefixLength: Int
    let size: Int

    // section-spec    = section-msgtext / (section-part ["." section-text])  (RFC 9051 §9)
    func locate(_ section: IMAPSection) -> Content {
        let root = summary.bodyStructure
        if section.part.isEmpty {
            switch section.text {
            case nil: return .octets(0..<size)
            case .header: return .octets(rootHeader)
            case .headerFields(let names): return .filteredHeader(rootHeader, names: names, keepsMatches: true)
            case .headerFieldsNot(let names): return .filteredHeader(rootHeader, names: names, keepsMatches: false)
            case .text: return .octets(stored(root.bodyRange))
            case .mime: return .missing   // the parser never produces MIME without a part number
            }
        }
        guard let node = node(at: section.part) else { return .missing }
        switch section.text {
        case nil: return .octets(stored(node.bodyRange))
        case .mime: return .octets(stored(node.headerRange))
        case .header, .headerFields, .headerFieldsNot, .text:
            // RFC 9051 §6.4.5.1: after a part number only for a MESSAGE/RFC822 or MESSAGE/GLOBAL part.
            guard let message = node.message else { return .missing }
            let header = stored(message.body.headerRange)
            switch section.text {
            case .headerFields(let names): return .filteredHeader(header, names: names, keepsMatches: true)
            case .headerFieldsNot(let names): return .filteredHeader(header, names: names, keepsMatches: false)
            case .text: return .octets(stored(message.body.bodyRange))
            default: return .octets(header)
            }
        }
    }

    /// `BINARY[part]`; nil when the part does not exist.
    func binarySource(part: [UInt32]) -> BinarySource? {
        if part.isEmpty { return BinarySource(octets: 0..<size, encoding: "binary", isText: false) }
        guard let node = node(at: part) else { return nil }
        // RFC 9051 §6.4.5: BINARY is meant for leaf parts; multipart and message bodies are 7bit/8bit/binary
        // (RFC 2045 §6.4), so they go out as they are.
        guard case .single = node.content else {
            return BinarySource(octets: stored(node.bodyRange), encoding: "binary", isText: false)
        }
        return BinarySource(octets: stored(node.bodyRange), encoding: node.encoding, isText: node.contentType.isText)
    }

    private func node(at part: [UInt32]) -> BodyStructure? {
        summary.bodyStructure.part(at: part.map { Int($0) })
    }

    /// The root header includes the prefix lines.
    private var rootHeader: Range<Int> { Self.rootHeader(headerLength: summary.headerLength, prefixLength: prefixLength, size: size) }

    private static func rootHeader(headerLength: Int, prefixLength: Int, size: Int) -> Range<Int> {
        clamped(0..<(prefixLength + max(0, headerLength)), size: size)
    }

    /// Whether `section` is the message's own header (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT),
    /// which `locateRootHeader` finds from the header length alone.
    static func isRootHeader(_ section: IMAPSection) -> Bool {
        guard section.part.isEmpty else { return false }
        switch section.text {
        case .header, .headerFields, .headerFieldsNot: return true
        default: return false
        }
    }

    /// `locate` for a root header section (`isRootHeader`) without the summary: FETCH of a message
    /// list's headers then decodes no MIME tree (issue 8). The same answer as `locate`.
    static func locateRootHeader(_ section: IMAPSection, headerLength: Int, prefixLength: Int, size: Int) -> Content? {
        guard section.part.isEmpty else { return nil }
        let header = rootHeader(headerLength: headerLength, prefixLength: prefixLength, size: size)
        switch section.text {
        case .header: return .octets(header)
        case .headerFields(let names): return .filteredHeader(header, names: names, keepsMatches: true)
        case .headerFieldsNot(let names): return .filteredHeader(header, names: names, keepsMatches: false)
        default: return nil
        }
    }

    private func stored(_ range: Range<Int>) -> Range<Int> {
        clamped((range.lowerBound + prefixLength)..<(range.upperBound + prefixLength))
    }

    private func clamped(_ range: Range<Int>) -> Range<Int> {
        Self.clamped(range, size: size)
    }

    private static func clamped(_ range: Range<Int>, size: Int) -> Range<Int> {
        let lower = min(max(0, range.lowerBound), size)
        return lower..<min(max(lower, range.upperBound), size)
    }
}
