// What the server announces (RFC 9051 §6.1.1), which depends on TLS and login state.

extension IMAPSession {
    /// Extensions implemented by this server, announced in every state once authenticated.
    static let extensions = [
        "LITERAL+",            // RFC 7888 (a superset of the LITERAL- that IMAP4rev2 requires)
        "ENABLE",              // RFC 5161
        "IDLE",                // RFC 2177
        "COMPRESS=DEFLATE",    // RFC 4978
        "NAMESPACE",           // RFC 2342
        "UIDPLUS",             // RFC 4315
        "MOVE",                // RFC 6851
        "REPLACE",             // RFC 8508
        "UNSELECT",            // RFC 3691
        "CHILDREN",            // RFC 3348
        "LIST-EXTENDED",       // RFC 5258
        "SPECIAL-USE",         // RFC 6154
        "ESEARCH",             // RFC 4731
        "BINARY",              // RFC 3516
        "ID",                  // RFC 2971
        "SASL-IR",             // RFC 4959
        "MULTIAPPEND",         // RFC 3502
        "CONDSTORE",           // RFC 7162 §3.1 (§3.2.2: announced with QRESYNC for CONDSTORE-only clients)
        "QRESYNC",             // RFC 7162 §3.2
        "SEARCHRES",           // RFC 5182
        "LIST-STATUS",         // RFC 5819
        "STATUS=SIZE",         // RFC 8438
        "OBJECTID",            // RFC 8474
        "SAVEDATE",            // RFC 8514
        "PREVIEW",             // RFC 8970 (computed at delivery)
        "CREATE-SPECIAL-USE",  // RFC 6154 §3
        "UNAUTHENTICATE",      // RFC 8437
        "SORT",                // RFC 5256
        "SORT=DISPLAY",        // RFC 5957
        "THREAD=ORDEREDSUBJECT", // RFC 5256
        "THREAD=REFERENCES",   // RFC 5256
        "QUOTA",               // RFC 9208 (no QUOTASET: SETQUOTA is refused)
        "QUOTA=RES-STORAGE",   // RFC 9208 §5.1
        "QUOTA=RES-MESSAGE",   // RFC 9208 §5.2
        "NOTIFY",              // RFC 5465
    ]

    var capabilities: [String] {
        var result = ["IMAP4rev1", "IMAP4rev2"]
        if account == nil {
            if configuration.tlsContext != nil && !tlsActive { result.append("STARTTLS") }
            if credentialsAllowed {
                // RFC 9051 §6.2.2: the SASL mechanisms offered, as the shared SASL layer lists them.
                result.append(contentsOf: sasl.mechanismNames.map { "AUTH=\($0)" })
            } else {
                // RFC 9051 §6.2.3: LOGIN is refused until STARTTLS.
                result.append("LOGINDISABLED")
            }
        }
        result.append(contentsOf: Self.extensions)
        // RFC 7889 §3: the largest APPEND the server accepts, the framer's limit.
        result.append("APPENDLIMIT=\(configuration.framer.maxAppendLiteralSize)")
        return result
    }
}
