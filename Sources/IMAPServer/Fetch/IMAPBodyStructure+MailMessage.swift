// Builds the wire BODY / BODYSTRUCTURE from the MIME tree MailMessage computed at delivery.

import MailMessage

extension IMAPBodyStructure {
    /// Deeper trees are cut off as an empty text part: stored metadata is trusted data, but a
    /// conversion must not recurse without bound (the encoder stops at the same depth).
    static let maxConversionDepth = 64

    /// RFC 9051 §7.5.2. `extensible` false gives the `BODY` form: the extension data (MD5,
    /// disposition, language, location, multipart parameters) is left out.
    public init(_ structure: BodyStructure, extensible: Bool) {
        self.init(structure, extensible: extensible, depth: 0)
    }

    private init(_ structure: BodyStructure, extensible: Bool, depth: Int) {
        guard depth < Self.maxConversionDepth else {
            self = .singlePart(SinglePart(type: "TEXT", subtype: "PLAIN", octets: 0, kind: .text(lines: 0)))
            return
        }
        let extensions = extensible ? IMAPBodyExtensions(structure) : IMAPBodyExtensions()
        let parameters = structure.contentType.parameters.map { IMAPBodyParameter($0.name, $0.value) }
        switch structure.content {
        case .multipart(let parts):
            self = .multipart(Multipart(
                parts: parts.map { IMAPBodyStructure($0, extensible: extensible, depth: depth + 1) },
                subtype: structure.contentType.subtype,
                parameters: extensible ? parameters : [],
                extensions: extensions))
        case .message(let message):
            let kind = SinglePart.Kind.message(
                IMAPEnvelope(message.envelope),
                IMAPBodyStructure(message.body, extensible: extensible, depth: depth + 1),
                lines: UInt64(max(0, structure.lineCount)))
            self = .singlePart(SinglePart(structure, parameters: parameters, kind: kind, extensible: extensible,
                                          extensions: extensions))
        case .single:
            let kind: SinglePart.Kind = structure.contentType.isText
                ? .text(lines: UInt64(max(0, structure.lineCount))) : .basic
            self = .singlePart(SinglePart(structure, parameters: parameters, kind: kind, extensible: extensible,
                                          extensions: extensions))
        }
    }
}

extension IMAPBodyStructure.SinglePart {
    // body-fields     = body-fld-param SP body-fld-id SP body-fld-desc SP
    //                   body-fld-enc SP body-fld-octets                  (RFC 9051 §9)
    fileprivate init(_ structure: BodyStructure, parameters: [IMAPBodyParameter], kind: Kind, extensible: Bool,
                     extensions: IMAPBodyExtensions) {
        self.init(type: structure.contentType.type, subtype: structure.contentType.subtype, parameters: parameters,
                  id: structure.id, description: structure.description,
                  encoding: structure.encoding.isEmpty ? "7BIT" : structure.encoding,
                  octets: UInt32(clamping: structure.bodyRange.count), kind: kind,
                  md5: extensible ? structure.md5 : nil, extensions: extensions)
    }
}

extension IMAPBodyExtensions {
    /// body-fld-dsp, body-fld-lang and body-fld-loc of one part (RFC 9051 §7.5.2).
    fileprivate init(_ structure: BodyStructure) {
        self.init(
            disposition: structure.disposition.map { disposition in
                Disposition(disposition.type, parameters: disposition.parameters.map { IMAPBodyParameter($0.name, $0.value) })
            },
            languages: structure.language ?? [],
            location: structure.location)
    }
}
