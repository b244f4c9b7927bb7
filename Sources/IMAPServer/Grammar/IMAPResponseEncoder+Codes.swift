// resp-text-code encoding.

import NIOCore

extension IMAPResponseEncoder {
    // resp-text-code  = "ALERT" /
    //                   "BADCHARSET" [SP "(" charset *(SP charset) ")" ] /
    //                   capability-data / "PARSE" /
    //                   "PERMANENTFLAGS" SP
    //                       "(" [flag-perm *(SP flag-perm)] ")" /
    //                   "READ-ONLY" / "READ-WRITE" / "TRYCREATE" /
    //                   "UIDNEXT" SP nz-number /
    //                   "UIDVALIDITY" SP nz-number /
    //                   resp-code-apnd / resp-code-copy / "UIDNOTSTICKY" /
    //                   "UNAVAILABLE" / "AUTHENTICATIONFAILED" /
    //                   "AUTHORIZATIONFAILED" / "EXPIRED" /
    //                   "PRIVACYREQUIRED" / "CONTACTADMIN" / "NOPERM" /
    //                   "INUSE" / "EXPUNGEISSUED" / "CORRUPTION" /
    //                   "SERVERBUG" / "CLIENTBUG" / "CANNOT" /
    //                   "LIMIT" / "OVERQUOTA" / "ALREADYEXISTS" /
    //                   "NONEXISTENT" / "NOTSAVED" / "HASCHILDREN" /
    //                   "CLOSED" /
    //                   "UNKNOWN-CTE" /
    //                   atom [SP 1*<any TEXT-CHAR except "]">]            (RFC 9051 §9)
    func writeResponseCode(_ code: IMAPResponseCode, into buffer: inout ByteBuffer) {
        switch code {
        case .alert: buffer.writeString("ALERT")
        case .badCharset(let charsets):
            buffer.writeString("BADCHARSET")
            if !charsets.isEmpty {
                buffer.writeString(" (")
                writeList(charsets, into: &buffer) { charset, buffer in writeString(charset, into: &buffer) }
                buffer.writeString(")")
            }
        case .capability(let capabilities):
            buffer.writeString("CAPABILITY")
            for capability in capabilities { buffer.writeString(" " + capability) }
        case .parse: buffer.writeString("PARSE")
        case .permanentFlags(let flags, let allowsNewKeywords):
            // flag-perm       = flag / "\*"
            buffer.writeString("PERMANENTFLAGS (")
            writeList(flags, into: &buffer) { flag, buffer in buffer.writeString(flag.description) }
            if allowsNewKeywords { buffer.writeString(flags.isEmpty ? "\\*" : " \\*") }
            buffer.writeString(")")
        case .readOnly: buffer.writeString("READ-ONLY")
        case .readWrite: buffer.writeString("READ-WRITE")
        case .tryCreate: buffer.writeString("TRYCREATE")
        case .uidNext(let uid): buffer.writeString("UIDNEXT \(uid)")
        case .uidValidity(let value): buffer.writeString("UIDVALIDITY \(value)")
        case .unseen(let number): buffer.writeString("UNSEEN \(number)")
        // resp-code-apnd  = "APPENDUID" SP nz-number SP append-uid
        // resp-code-copy  = "COPYUID" SP nz-number SP uid-set SP uid-set
        case .appendUID(let validity, let uids): buffer.writeString("APPENDUID \(validity) \(uids)")
        case .copyUID(let validity, let source, let destination):
            buffer.writeString("COPYUID \(validity) \(source) \(destination)")
        case .uidNotSticky: buffer.writeString("UIDNOTSTICKY")
        case .highestModSeq(let value): buffer.writeString("HIGHESTMODSEQ \(value)")
        case .noModSeq: buffer.writeString("NOMODSEQ")
        case .modified(let set): buffer.writeString("MODIFIED \(set)")
        case .closed: buffer.writeString("CLOSED")
        case .unavailable: buffer.writeString("UNAVAILABLE")
        case .authenticationFailed: buffer.writeString("AUTHENTICATIONFAILED")
        case .authorizationFailed: buffer.writeString("AUTHORIZATIONFAILED")
        case .expired: buffer.writeString("EXPIRED")
        case .privacyRequired: buffer.writeString("PRIVACYREQUIRED")
        case .contactAdmin: buffer.writeString("CONTACTADMIN")
        case .noPerm: buffer.writeString("NOPERM")
        case .inUse: buffer.writeString("INUSE")
        case .expungeIssued: buffer.writeString("EXPUNGEISSUED")
        case .corruption: buffer.writeString("CORRUPTION")
        case .serverBug: buffer.writeString("SERVERBUG")
        case .clientBug: buffer.writeString("CLIENTBUG")
        case .cannot: buffer.writeString("CANNOT")
        case .limit: buffer.writeString("LIMIT")
        case .overQuota: buffer.writeString("OVERQUOTA")
        case .alreadyExists: buffer.writeString("ALREADYEXISTS")
        case .nonExistent: buffer.writeString("NONEXISTENT")
        case .notSaved: buffer.writeString("NOTSAVED")
        case .hasChildren: buffer.writeString("HASCHILDREN")
        case .unknownCTE: buffer.writeString("UNKNOWN-CTE")
        case .tooBig: buffer.writeString("TOOBIG")
        case .mailboxID(let id): buffer.writeString("MAILBOXID (\(id))")
        case .compressionActive: buffer.writeString("COMPRESSIONACTIVE")
        case .useAttribute: buffer.writeString("USEATTR")
        case .other(let atom, let text):
            buffer.writeString(atom)
            if let text, !text.isEmpty {
                buffer.writeString(" ")
                writeText(text.replacingOccurrences(of: "]", with: " "), into: &buffer)
            }
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
