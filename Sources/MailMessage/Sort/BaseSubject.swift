// RFC 5256 §2.1 base subject extraction, shared by SORT SUBJECT and both THREAD algorithms.

/// The subject with reply/forward artifacts ("Re:", "Fwd:", "[list]", "(fwd)", "[fwd: ...]")
/// removed, and whether removing them showed a reply or forward (RFC 5256 §3, REFERENCES step 5).
/// Public so that clients of the module (and tests) apply exactly the server's rule.
public struct BaseSubject: Sendable, Equatable {
    /// The base subject as UTF-8, not yet case-mapped.
    public var text: String
    /// True when extraction removed a subj-refwd, a "(fwd)" trailer or a "[fwd: ...]" wrapper.
    public var isReplyOrForward: Bool

    /// Longer subjects are cut before extraction: artifacts sit at the ends of the first few dozen
    /// octets, and the bound keeps extraction linear in a small input.
    public static let maximumSubjectOctets = 4096

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]"), colon = UInt8(ascii: ":")

    /// `subject` is the decoded Subject (RFC 2047 words already turned into UTF-8, as the stored
    /// summary keeps it).
    public init(_ subject: String) {
        // (1) Tabs and continuations become spaces; runs of spaces become one.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(subject.utf8.count, Self.maximumSubjectOctets))
        for byte in subject.utf8.prefix(Self.maximumSubjectOctets) {
            let mapped = (byte == Self.tab || byte == 0x0D || byte == 0x0A) ? Self.space : byte
            if mapped == Self.space, bytes.last == Self.space { continue }
            bytes.append(mapped)
        }
        var start = 0, end = bytes.count
        var isReplyOrForward = false
        while true {
            // (2) Trailers: "(fwd)" or WSP, repeatedly.
            while start < end {
                if bytes[end - 1] == Self.space {
                    end -= 1
                } else if end - start >= 5, Self.matchesIgnoringCase(bytes, at: end - 5, "(fwd)") {
                    end -= 5
                    isReplyOrForward = true
                } else {
                    break
                }
            }
            // (3)-(5) Leaders and blobs, until neither matches.
            var changed = true
            while changed && start < end {
                changed = false
                while start < end {
                    if bytes[start] == Self.space {
                        start += 1
                    } else if let after = Self.refwdLeaderEnd(bytes, from: start, to: end) {
                        start = after
                        isReplyOrForward = true
                    } else {
                        break
                    }
                    changed = true
                }
                // (4) A leading blob goes only when something of substance remains after it.
                if let after = Self.blobEnd(bytes, from: start, to: end), after < end {
                    start = after
                    changed = true
                }
            }
            // (6) "[fwd: ... ]" wraps a whole forwarded subject: unwrap and start again at (2).
            if end - start >= 6, Self.matchesIgnoringCase(bytes, at: start, "[fwd:"), bytes[end - 1] == Self.closeBracket {
                start += 5
                end -= 1
                isReplyOrForward = true
                continue
            }
            break
        }
        self.text = String(decoding: bytes[start..<end], as: UTF8.self)
        self.isReplyOrForward = isReplyOrForward
    }

    // subj-leader     = (*subj-blob subj-refwd) / WSP
    // subj-refwd      = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"       (RFC 5256 §5)
    /// End of a `*subj-blob subj-refwd` starting at `start`, or nil when there is none.
    private static func refwdLeaderEnd(_ bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        var index = start
        while let after = blobEnd(bytes, from: index, to: end) { index = after }
        if matchesIgnoringCase(bytes, at: index, "re", end: end) {
            index += 2
        } else if matchesIgnoringCase(bytes, at: index, "fwd", end: end) {
            index += 3
        } else if matchesIgnoringCase(bytes, at: index, "fw", end: end) {
            index += 2
        } else {
            return nil
        }
        while index < end, bytes[index] == space { index += 1 }
        if let after = blobEnd(bytes, from: index, to: end) { index = after }
        guard index < end, bytes[index] == colon else { return nil }
        return index + 1
    }

    // subj-blob       = "[" *BLOBCHAR "]" *WSP                            (RFC 5256 §5)
    private static func blobEnd(_ bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        guard start < end, bytes[start] == openBracket else { return nil }
        var index = start + 1
        while index < end, bytes[index] != openBracket, bytes[index] != closeBracket { index += 1 }
        guard index < end, bytes[index] == closeBracket else { return nil }
        index += 1
        while index < end, bytes[index] == space { index += 1 }
        return index
    }

    private static func matchesIgnoringCase(_ bytes: [UInt8], at index: Int, _ literal: String, end: Int? = nil) -> Bool {
        let limit = end ?? bytes.count
        var position = index
        for expected in literal.utf8 {
            guard position < limit, SortCollation.fold(bytes[position]) == SortCollation.fold(expected) else { return false }
            position += 1
        }
        return true
    }
}
