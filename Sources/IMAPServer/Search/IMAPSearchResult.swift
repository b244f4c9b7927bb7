// Turning a search's matches into responses: the IMAP4rev1 SEARCH response with CONDSTORE's
// MODSEQ (RFC 7162 §3.1.6), the ESEARCH response (RFC 4731 §3.1, RFC 9051 §7.3.4) and the value
// SEARCHRES saves as `$` (RFC 5182 §2.4). One place, so SEARCH, UID SEARCH and later SORT agree.

/// The messages a SEARCH matched, in sequence order, with the answers built from them.
public struct IMAPSearchResult: Sendable, Equatable {
    public var matches: [IMAPSearchCandidate]

    public init(matches: [IMAPSearchCandidate]) {
        self.matches = matches
    }

    /// Sequence numbers (SEARCH) or UIDs (UID SEARCH), in sequence order.
    public func numbers(uid: Bool) -> [UInt32] {
        matches.map { uid ? $0.message.uid : $0.sequenceNumber }
    }

    /// The highest mod-sequence of the matches; nil when nothing matched (RFC 7162 §3.1.6: the
    /// value is "omitted if no match").
    public var highestModSequence: UInt64? {
        matches.map(\.message.modSeq).max()
    }

    /// `* SEARCH ...` for a SEARCH without RETURN in IMAP4rev1. `keyMentionsModSequence`: the key
    /// used MODSEQ, so the response carries `(MODSEQ n)` (RFC 7162 §3.1.5).
    public func searchResponse(uid: Bool, keyMentionsModSequence: Bool) -> IMAPUntaggedResponse {
        .search(numbers(uid: uid), modSequence: keyMentionsModSequence ? highestModSequence : nil)
    }

    /// `* ESEARCH (TAG "t") [UID] ...` for `options` (RFC 4731 §3.1): MIN/MAX/ALL only when
    /// something matched, COUNT always when asked. With a MODSEQ key the MODSEQ result is that of
    /// the single MIN or MAX message, the higher of the two for MIN+MAX alone, and otherwise the
    /// highest of all matches (RFC 4731 §3.2, RFC 7162 §3.1.10). SAVE adds nothing here; a RETURN
    /// of SAVE alone sends no ESEARCH at all (RFC 9051 §6.4.4), which the session decides.
    public func eSearchResponse(tag: String?, uid: Bool, options: [IMAPSearchCommand.ReturnOption],
                                keyMentionsModSequence: Bool) -> IMAPESearchResponse {
        let numbers = numbers(uid: uid)
        let wantsMin = options.contains(.min), wantsMax = options.contains(.max)
        // An empty list means ALL (RFC 4731 §3.1: "If no result option is specified or empty list of
        // options is specified as "()", ALL is assumed").
        let wantsAll = options.contains(.all) || options.isEmpty
        var response = IMAPESearchResponse(tag: tag, uid: uid)
        if wantsMin { response.min = numbers.min() }
        if wantsMax { response.max = numbers.max() }
        if wantsAll { response.all = IMAPSequenceSet(compacting: numbers) }
        if options.contains(.count) { response.count = UInt32(clamping: numbers.count) }
        if keyMentionsModSequence, !matches.isEmpty {
            let reported = wantsAll || options.contains(.count) || !(wantsMin || wantsMax)
                ? matches : reportedExtremes(min: wantsMin, max: wantsMax)
            response.modSequence = reported.map(\.message.modSeq).max()
        }
        return response
    }

    /// What `$` holds after `SEARCH RETURN (SAVE ...)`, as UIDs (RFC 5182 §2.4): the MIN and/or MAX
    /// message when only those were asked with SAVE, every match otherwise.
    public func savedUIDs(options: [IMAPSearchCommand.ReturnOption]) -> [UInt32] {
        let wantsMin = options.contains(.min), wantsMax = options.contains(.max)
        guard (wantsMin || wantsMax), !options.contains(.all), !options.contains(.count) else {
            return matches.map(\.message.uid)
        }
        // MIN/MAX of sequence numbers and of UIDs designate the same messages: both grow together.
        return reportedExtremes(min: wantsMin, max: wantsMax).map(\.message.uid)
    }

    /// The first and/or last match (matches are in sequence order, so also in UID order).
    private func reportedExtremes(min: Bool, max: Bool) -> [IMAPSearchCandidate] {
        var picked: [IMAPSearchCandidate] = []
        if min, let first = matches.first { picked.append(first) }
        if max, let last = matches.last, !(min && matches.count == 1) { picked.append(last) }
        return picked
    }
}
