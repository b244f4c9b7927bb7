// Untagged status and data responses.

import NIOCore

extension IMAPResponseEncoder {
    // response-data   = "*" SP (resp-cond-state / resp-cond-bye /
    //                   mailbox-data / message-data / capability-data /
    //                   enable-data) CRLF                                (RFC 9051 §9)
    func writeUntagged(_ response: IMAPUntaggedResponse, into buffer: inout ByteBuffer) {
        switch response {
        case .state(let status):
            writeStatus(status, into: &buffer)
        // resp-cond-bye   = "BYE" SP resp-text
        case .bye(let code, let text):
            buffer.writeString("BYE ")
            writeResponseText(code: code, text: text, into: &buffer)
        // resp-cond-auth  = ("OK" / "PREAUTH") SP resp-text
        case .preauth(let code, let text):
            buffer.writeString("PREAUTH ")
            writeResponseText(code: code, text: text, into: &buffer)
        // capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability)
        case .capability(let capabilities):
            buffer.writeString("CAPABILITY")
            for capability in capabilities { buffer.writeString(" " + capability) }
        // enable-data     = "ENABLED" *(SP capability)
        case .enabled(let capabilities):
            buffer.writeString("ENABLED")
            for capability in capabilities { buffer.writeString(" " + capability) }
        case .list(let list):
            buffer.writeString("LIST ")
            writeMailboxList(list, into: &buffer)
        case .lsub(let list):
            buffer.writeString("LSUB ")
            writeMailboxList(list, into: &buffer)
        // "STATUS" SP mailbox SP "(" [status-att-list] ")"
        case .mailboxStatus(let mailbox, let values):
            buffer.writeString("STATUS ")
            writeMailbox(mailbox, into: &buffer)
            buffer.writeString(" (")
            writeList(values, into: &buffer) { value, buffer in writeStatusValue(value, into: &buffer) }
            buffer.writeString(")")
        // "FLAGS" SP flag-list
        case .flags(let flags):
            buffer.writeString("FLAGS ")
            writeFlags(flags, into: &buffer)
        case .exists(let count): buffer.writeString("\(count) EXISTS")
        // obsolete-recent-response = number SP "RECENT"
        case .recent(let count): buffer.writeString("\(count) RECENT")
        case .expunge(let number): buffer.writeString("\(number) EXPUNGE")
        // expunged-resp   =  "VANISHED" [SP "(EARLIER)"] SP known-uids   (RFC 7162 §7)
        case .vanished(let earlier, let uids):
            buffer.writeString(earlier ? "VANISHED (EARLIER) \(uids)" : "VANISHED \(uids)")
        // obsolete-search-response = "SEARCH" *(SP nz-number)
        // search-sort-mod-seq = "(" "MODSEQ" SP mod-sequence-value ")"   (RFC 7162 §7)
        case .search(let numbers, let modSequence):
            buffer.writeString("SEARCH")
            for number in numbers { buffer.writeString(" \(number)") }
            if let modSequence, !numbers.isEmpty { buffer.writeString(" (MODSEQ \(modSequence))") }
        case .esearch(let esearch):
            writeESearch(esearch, into: &buffer)
        // sort-data       = "SORT" *(SP nz-number)                           (RFC 5256 §5)
        case .sort(let numbers):
            buffer.writeString("SORT")
            Self.writeNumberList(numbers, into: &buffer)
        // thread-data     = "THREAD" [SP 1*thread-list]                      (RFC 5256 §5)
        case .thread(let list):
            buffer.writeString("THREAD")
            if !list.items.isEmpty { buffer.writeString(" ") }
            buffer.writeString(list.encoded)
        case .namespace(let namespace):
            // namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace
            buffer.writeString("NAMESPACE ")
            writeNamespace(namespace.personal, into: &buffer)
            buffer.writeString(" ")
            writeNamespace(namespace.otherUsers, into: &buffer)
            buffer.writeString(" ")
            writeNamespace(namespace.shared, into: &buffer)
        // id-response     = "ID" SP id-params-list                       (RFC 2971 §4)
        case .id(let parameters):
            buffer.writeString("ID ")
            guard let parameters else { buffer.writeString("NIL"); break }
            buffer.writeString("(")
            writeList(parameters, into: &buffer) { parameter, buffer in
                writeString(parameter.field, into: &buffer)
                buffer.writeString(" ")
                writeNString(parameter.value, into: &buffer)
            }
            buffer.writeString(")")
        // quota-response  = "QUOTA" SP quota-root-name SP quota-list
        // quota-list      = "(" quota-resource *(SP quota-resource) ")"
        // quota-resource  = resource-name SP resource-usage SP resource-limit   (RFC 9208 §7)
        case .quota(let root, let resources):
            buffer.writeString("QUOTA ")
            writeString(root, into: &buffer)
            buffer.writeString(" (")
            writeList(resources, into: &buffer) { resource, buffer in
                buffer.writeString("\(resource.name) \(resource.usage) \(resource.limit)")
            }
            buffer.writeString(")")
        // quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)
        case .quotaRoot(let mailbox, let roots):
            buffer.writeString("QUOTAROOT ")
            writeMailbox(mailbox, into: &buffer)
            for root in roots {
                buffer.writeString(" ")
                writeString(root, into: &buffer)
            }
        case .fetch(let number, let items):
            // message-data    = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att))
            buffer.writeString("\(number) FETCH (")
            writeList(items, into: &buffer) { item, buffer in writeFetchItem(item, into: &buffer) }
            buffer.writeString(")")
        }
    }

    // mailbox-list    = "(" [mbx-list-flags] ")" SP
    //                    (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
    //                    [SP mbox-list-extended]                          (RFC 9051 §9)
    func writeMailboxList(_ list: IMAPListResponse, into buffer: inout ByteBuffer) {
        buffer.writeString("(")
        writeList(list.attributes, into: &buffer) { attribute, buffer in buffer.writeString(attribute) }
        buffer.writeString(") ")
        writeDelimiter(list.delimiter, into: &buffer)
        buffer.writeString(" ")
        writeMailbox(list.mailbox, into: &buffer)
        var extended: [(inout ByteBuffer) -> Void] = []
        if !list.childInfo.isEmpty {
            // childinfo-extended-item =  "CHILDINFO" SP "(" list-select-base-opt-quoted ... ")"
            extended.append { buffer in
                buffer.writeString("\"CHILDINFO\" (")
                writeList(list.childInfo, into: &buffer) { option, buffer in writeString(option, into: &buffer) }
                buffer.writeString(")")
            }
        }
        if let oldName = list.oldName {
            // oldname-extended-item =  "OLDNAME" SP "(" mailbox ")"
            extended.append { buffer in
                buffer.writeString("\"OLDNAME\" (")
                writeMailbox(oldName, into: &buffer)
                buffer.writeString(")")
            }
        }
        if !extended.isEmpty {
            buffer.writeString(" (")
            for (offset, write) in extended.enumerated() {
                if offset > 0 { buffer.writeString(" ") }
                write(&buffer)
            }
            buffer.writeString(")")
        }
    }

    // status-att-val  = ("MESSAGES" SP number) / ... / ("SIZE" SP number64)   (RFC 9051 §9)
    func writeStatusValue(_ value: IMAPStatusValue, into buffer: inout ByteBuffer) {
        switch value {
        case .number(let attribute, let number): buffer.writeString("\(attribute.rawValue) \(number)")
        case .appendLimitNone: buffer.writeString("APPENDLIMIT NIL")
        case .mailboxID(let id): buffer.writeString("MAILBOXID (\(id))")
        }
    }

    // esearch-response  = "ESEARCH" [search-correlator] [SP "UID"]
    //                     *(SP search-return-data)
    // search-correlator  = SP "(" "TAG" SP tag-string ")"               (RFC 9051 §9)
    func writeESearch(_ esearch: IMAPESearchResponse, into buffer: inout ByteBuffer) {
        buffer.writeString("ESEARCH")
        if let tag = esearch.tag {
            buffer.writeString(" (TAG ")
            writeString(tag, into: &buffer)
            buffer.writeString(")")
        }
        if esearch.uid { buffer.writeString(" UID") }
        if let min = esearch.min { buffer.writeString(" MIN \(min)") }
        if let max = esearch.max { buffer.writeString(" MAX \(max)") }
        if let all = esearch.all { buffer.writeString(" ALL \(all)") }
        if let count = esearch.count { buffer.writeString(" COUNT \(count)") }
        if let modSequence = esearch.modSequence { buffer.writeString(" MODSEQ \(modSequence)") }
    }

    // namespace         = nil / "(" 1*namespace-descr ")"
    // namespace-descr   = "(" string SP
    //                        (DQUOTE QUOTED-CHAR DQUOTE / nil)
    //                         [namespace-response-extensions] ")"       (RFC 9051 §9)
    func writeNamespace(_ descriptions: [IMAPNamespaceResponse.Description], into buffer: inout ByteBuffer) {
        guard !descriptions.isEmpty else { buffer.writeString("NIL"); return }
        buffer.writeString("(")
        for description in descriptions {
            buffer.writeString("(")
            writeString(options.mailboxEncoding == .utf8 ? description.prefix : MailboxNameCodec.encode(description.prefix), into: &buffer)
            buffer.writeString(" ")
            writeDelimiter(description.delimiter, into: &buffer)
            buffer.writeString(")")
        }
        buffer.writeString(")")
    }
}
