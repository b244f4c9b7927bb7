@testable import MailMessage

/// A minimal RFC 9051 §7.5.2 / §9 (body, envelope) renderer, used only to check by eye and by test
/// that the stored structure holds every field BODYSTRUCTURE needs in the right shape.
enum IMAPRendering {
    static func nstring(_ value: String?) -> String {
        guard let value else { return "NIL" }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func parameters(_ parameters: [MIMEParameter]) -> String {
        guard !parameters.isEmpty else { return "NIL" }
        return "(" + parameters.map { nstring($0.name.uppercased()) + " " + nstring($0.value) }.joined(separator: " ") + ")"
    }

    static func disposition(_ disposition: ContentDisposition?) -> String {
        guard let disposition else { return "NIL" }
        return "(" + nstring(disposition.type.uppercased()) + " " + parameters(disposition.parameters) + ")"
    }

    static func language(_ tags: [String]?) -> String {
        guard let tags, !tags.isEmpty else { return "NIL" }
        if tags.count == 1 { return nstring(tags[0]) }
        return "(" + tags.map(nstring).joined(separator: " ") + ")"
    }

    static func addresses(_ list: [Address]) -> String {
        guard !list.isEmpty else { return "NIL" }
        return "(" + list.map { address in
            "(" + [address.displayName, address.route, address.localPart, address.domain].map(nstring)
                .joined(separator: " ") + ")"
        }.joined() + ")"
    }

    static func envelope(_ envelope: Envelope) -> String {
        "(" + [nstring(envelope.date), nstring(envelope.subject), addresses(envelope.from), addresses(envelope.sender),
               addresses(envelope.replyTo), addresses(envelope.to), addresses(envelope.cc), addresses(envelope.bcc),
               nstring(envelope.inReplyTo), nstring(envelope.messageID)].joined(separator: " ") + ")"
    }

    static func body(_ body: BodyStructure, extended: Bool) -> String {
        switch body.content {
        case .multipart(let parts):
            var text = "(" + parts.map { self.body($0, extended: extended) }.joined() + " "
                + nstring(body.contentType.subtype.uppercased())
            if extended {
                text += " " + parameters(body.contentType.parameters) + " " + disposition(body.disposition) + " "
                    + language(body.language) + " " + nstring(body.location)
            }
            return text + ")"
        case .single, .message:
            var fields = [nstring(body.contentType.type.uppercased()), nstring(body.contentType.subtype.uppercased()),
                          parameters(body.contentType.parameters), nstring(body.id), nstring(body.description),
                          nstring(body.encoding.uppercased()), String(body.size)]
            if let message = body.message {
                fields += [envelope(message.envelope), self.body(message.body, extended: extended), String(body.lineCount)]
            } else if body.contentType.isText {
                fields.append(String(body.lineCount))
            }
            if extended {
                fields += [nstring(body.md5), disposition(body.disposition), language(body.language), nstring(body.location)]
            }
            return "(" + fields.joined(separator: " ") + ")"
        }
    }
}
