// FETCH items, ENVELOPE and BODYSTRUCTURE encoding (RFC 9051 §7.5.2).

import NIOCore

extension IMAPResponseEncoder {
    // msg-att-dynamic = "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"
    // msg-att-static  = "ENVELOPE" SP envelope /
    //                   "INTERNALDATE" SP date-time /
    //                   "RFC822.SIZE" SP number64 /
    //                   "BODY" ["STRUCTURE"] SP body /
    //                   "BODY" section ["<" number ">"] SP nstring /
    //                   "BINARY" section-binary SP (nstring / literal8) /
    //                   "BINARY.SIZE" section-binary SP number /
    //                   "UID" SP uniqueid                                (RFC 9051 §9)
    func writeFetchItem(_ item: IMAPFetchItem, into buffer: inout ByteBuffer) {
        switch item {
        case .flags(let flags):
            buffer.writeString("FLAGS ")
            writeFlags(flags, into: &buffer)
        // The per-message items of a message list are built in a small array and copied once.
        case .uid(let uid):
            var bytes = Self.uidPrefix
            Self.appendDecimal(UInt64(uid), to: &bytes)
            buffer.writeBytes(bytes)
        case .internalDate(let date):
            var bytes = Self.internalDatePrefix
            date.appendQuoted(to: &bytes)
            buffer.writeBytes(bytes)
        case .rfc822Size(let size):
            var bytes = Self.sizePrefix
            Self.appendDecimal(size, to: &bytes)
            buffer.writeBytes(bytes)
        case .envelope(let envelope):
            buffer.writeString("ENVELOPE ")
            writeEnvelope(envelope, into: &buffer)
        case .body(let structure):
            buffer.writeString("BODY ")
            writeBody(structure, extensible: false, depth: 0, into: &buffer)
        case .bodyStructure(let structure):
            buffer.writeString("BODYSTRUCTURE ")
            writeBody(structure, extensible: true, depth: 0, into: &buffer)
        case .bodySection(let section, let origin, let data):
            buffer.writeStaticString("BODY[")
            section.write(into: &buffer)
            buffer.writeInteger(UInt8(ascii: "]"))
            if let origin { buffer.writeString("<\(origin)>") }
            buffer.writeString(" ")
            writeNStringData(data, into: &buffer)
        case .binary(let part, let origin, let data):
            buffer.writeString("BINARY[\(part.map(String.init).joined(separator: "."))]")
            if let origin { buffer.writeString("<\(origin)>") }
            buffer.writeString(" ")
            guard let data else { buffer.writeString("NIL"); break }
            // RFC 3516 §4.2: literal8 when the content holds NUL, a plain string otherwise.
            if data.contains(0) {
                writeLiteralHeader(octets: data.count, binary: true, into: &buffer)
                buffer.writeBytes(data)
            } else {
                writeNStringData(data, into: &buffer)
            }
        case .binarySize(let part, let size):
            buffer.writeString("BINARY.SIZE[\(part.map(String.init).joined(separator: "."))] \(size)")
        case .rfc822(let data):
            buffer.writeString("RFC822 ")
            writeNStringData(data, into: &buffer)
        case .rfc822Header(let data):
            buffer.writeString("RFC822.HEADER ")
            writeNStringData(data, into: &buffer)
        case .rfc822Text(let data):
            buffer.writeString("RFC822.TEXT ")
            writeNStringData(data, into: &buffer)
        // fetch-mod-resp  = "MODSEQ" SP "(" permsg-modsequence ")"       (RFC 7162 §7)
        case .modSequence(let value): buffer.writeString("MODSEQ (\(value))")
        // "EMAILID" SP "(" objectid ")" / "THREADID" SP ( "(" objectid ")" / nil )   (RFC 8474 §7)
        case .emailID(let id): buffer.writeString("EMAILID (\(id))")
        case .threadID(let id): buffer.writeString(id.map { "THREADID (\($0))" } ?? "THREADID NIL")
        // "SAVEDATE" SP (date-time / nil)                                 (RFC 8514 §6)
        case .saveDate(let date): buffer.writeString(date.map { "SAVEDATE \"\($0)\"" } ?? "SAVEDATE NIL")
        // "PREVIEW" SP nstring                                           (RFC 8970 §7)
        case .preview(let text):
            buffer.writeString("PREVIEW ")
            writeNString(text, into: &buffer)
        }
    }

    private static let uidPrefix: [UInt8] = Array("UID ".utf8)
    private static let internalDatePrefix: [UInt8] = Array("INTERNALDATE ".utf8)
    private static let sizePrefix: [UInt8] = Array("RFC822.SIZE ".utf8)

    /// Message content is always a literal, even when short and plain: RFC 9051 allows a quoted
    /// string, but many clients (Python's imaplib among them) only look for message data in
    /// literals, and Dovecot and Cyrus always send one.
    func writeNStringData(_ data: [UInt8]?, into buffer: inout ByteBuffer) {
        guard let data else { buffer.writeString("NIL"); return }
        writeLiteralHeader(octets: data.count, binary: false, into: &buffer)
        buffer.writeBytes(data)
    }

    // envelope        = "(" env-date SP env-subject SP env-from SP
    //                   env-sender SP env-reply-to SP env-to SP env-cc SP
    //                   env-bcc SP env-in-reply-to SP env-message-id ")"  (RFC 9051 §9)
    func writeEnvelope(_ envelope: IMAPEnvelope, into buffer: inout ByteBuffer) {
        buffer.writeString("(")
        writeNString(envelope.date, into: &buffer)
        buffer.writeString(" ")
        writeNString(envelope.subject, into: &buffer)
        for addresses in [envelope.from, envelope.sender, envelope.replyTo, envelope.to, envelope.cc, envelope.bcc] {
            buffer.writeString(" ")
            writeAddresses(addresses, into: &buffer)
        }
        buffer.writeString(" ")
        writeNString(envelope.inReplyTo, into: &buffer)
        buffer.writeString(" ")
        writeNString(envelope.messageID, into: &buffer)
        buffer.writeString(")")
    }

    // env-from        = "(" 1*address ")" / nil
    // address         = "(" addr-name SP addr-adl SP addr-mailbox SP
    //                   addr-host ")"                                    (RFC 9051 §9)
    func writeAddresses(_ addresses: [IMAPAddress], into buffer: inout ByteBuffer) {
        guard !addresses.isEmpty else { buffer.writeString("NIL"); return }
        buffer.writeString("(")
        for address in addresses {
            buffer.writeString("(")
            writeNString(address.name, into: &buffer)
            buffer.writeString(" ")
            writeNString(address.adl, into: &buffer)
            buffer.writeString(" ")
            writeNString(address.mailbox, into: &buffer)
            buffer.writeString(" ")
            writeNString(address.host, into: &buffer)
            buffer.writeString(")")
        }
        buffer.writeString(")")
    }

    /// Deeper structures are cut off as an empty text part, so a pathological MIME tree cannot
    /// recurse without bound here (the MIME parser bounds depth too).
    static let maxBodyDepth = 64

    // body            = "(" (body-type-1part / body-type-mpart) ")"
    // body-type-1part = (body-type-basic / body-type-msg / body-type-text)
    //                   [SP body-ext-1part]
    // body-type-mpart = 1*body SP media-subtype
    //                   [SP body-ext-mpart]                              (RFC 9051 §9)
    func writeBody(_ structure: IMAPBodyStructure, extensible: Bool, depth: Int, into buffer: inout ByteBuffer) {
        guard depth < Self.maxBodyDepth else {
            buffer.writeString("(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)")
            return
        }
        buffer.writeString("(")
        switch structure {
        case .multipart(let multipart):
            for part in multipart.parts { writeBody(part, extensible: extensible, depth: depth + 1, into: &buffer) }
            if multipart.parts.isEmpty {
                // 1*body: an empty multipart is described with one empty text part.
                writeBody(.singlePart(.init(type: "TEXT", subtype: "PLAIN", octets: 0, kind: .text(lines: 0))),
                          extensible: extensible, depth: depth + 1, into: &buffer)
            }
            buffer.writeString(" ")
            writeString(multipart.subtype.uppercased(), into: &buffer)
            if extensible {
                // body-ext-mpart  = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc ...]]]
                buffer.writeString(" ")
                writeBodyParameters(multipart.parameters, into: &buffer)
                writeBodyExtensions(multipart.extensions, into: &buffer)
            }
        case .singlePart(let part):
            // body-fields     = body-fld-param SP body-fld-id SP body-fld-desc SP
            //                   body-fld-enc SP body-fld-octets
            writeString(part.type.uppercased(), into: &buffer)
            buffer.writeString(" ")
            writeString(part.subtype.uppercased(), into: &buffer)
            buffer.writeString(" ")
            writeBodyParameters(part.parameters, into: &buffer)
            buffer.writeString(" ")
            writeNString(part.id, into: &buffer)
            buffer.writeString(" ")
            writeNString(part.description, into: &buffer)
            buffer.writeString(" ")
            writeString(part.encoding.uppercased(), into: &buffer)
            buffer.writeString(" \(part.octets)")
            switch part.kind {
            case .basic: break
            // body-type-text  = media-text SP body-fields SP body-fld-lines
            case .text(let lines): buffer.writeString(" \(lines)")
            // body-type-msg   = media-message SP body-fields SP envelope
            //                   SP body SP body-fld-lines
            case .message(let envelope, let body, let lines):
                buffer.writeString(" ")
                writeEnvelope(envelope, into: &buffer)
                buffer.writeString(" ")
                writeBody(body, extensible: extensible, depth: depth + 1, into: &buffer)
                buffer.writeString(" \(lines)")
            }
            if extensible {
                // body-ext-1part  = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc ...]]]
                buffer.writeString(" ")
                writeNString(part.md5, into: &buffer)
                writeBodyExtensions(part.extensions, into: &buffer)
            }
        }
        buffer.writeString(")")
    }

    // body-fld-param  = "(" string SP string *(SP string SP string) ")" / nil
    func writeBodyParameters(_ parameters: [IMAPBodyParameter], into buffer: inout ByteBuffer) {
        guard !parameters.isEmpty else { buffer.writeString("NIL"); return }
        buffer.writeString("(")
        writeList(parameters, into: &buffer) { parameter, buffer in
            writeString(parameter.name.uppercased(), into: &buffer)
            buffer.writeString(" ")
            writeString(parameter.value, into: &buffer)
        }
        buffer.writeString(")")
    }

    // body-fld-dsp    = "(" string SP body-fld-param ")" / nil
    // body-fld-lang   = nstring / "(" string *(SP string) ")"
    // body-fld-loc    = nstring                                          (RFC 9051 §9)
    func writeBodyExtensions(_ extensions: IMAPBodyExtensions, into buffer: inout ByteBuffer) {
        buffer.writeString(" ")
        if let disposition = extensions.disposition {
            buffer.writeString("(")
            writeString(disposition.type.uppercased(), into: &buffer)
            buffer.writeString(" ")
            writeBodyParameters(disposition.parameters, into: &buffer)
            buffer.writeString(")")
        } else {
            buffer.writeString("NIL")
        }
        buffer.writeString(" ")
        switch extensions.languages.count {
        case 0: buffer.writeString("NIL")
        case 1: writeString(extensions.languages[0], into: &buffer)
        default:
            buffer.writeString("(")
            writeList(extensions.languages, into: &buffer) { language, buffer in writeString(language, into: &buffer) }
            buffer.writeString(")")
        }
        buffer.writeString(" ")
        writeNString(extensions.location, into: &buffer)
    }
}
