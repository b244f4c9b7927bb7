// SELECT / EXAMINE parameters: (CONDSTORE) and (QRESYNC (...)) (RFC 4466 §2.1, RFC 7162).

/// Optional parameters of SELECT and EXAMINE.
public struct IMAPSelectParameters: Sendable, Hashable {
    /// `QRESYNC (uidvalidity modseq [known-uids] [(known-seqs known-uids)])` (RFC 7162 §3.2.5).
    public struct QResync: Sendable, Hashable {
        /// `seq-match-data`: message numbers and the UIDs the client believes they have.
        public struct SequenceMatch: Sendable, Hashable {
            public var sequenceNumbers: IMAPSequenceSet
            public var uids: IMAPSequenceSet

            public init(sequenceNumbers: IMAPSequenceSet, uids: IMAPSequenceSet) {
                self.sequenceNumbers = sequenceNumbers
                self.uids = uids
            }
        }

        public var uidValidity: UInt32
        public var modSequence: UInt64
        public var knownUIDs: IMAPSequenceSet?
        public var sequenceMatch: SequenceMatch?

        public init(uidValidity: UInt32, modSequence: UInt64, knownUIDs: IMAPSequenceSet? = nil, sequenceMatch: SequenceMatch? = nil) {
            self.uidValidity = uidValidity
            self.modSequence = modSequence
            self.knownUIDs = knownUIDs
            self.sequenceMatch = sequenceMatch
        }
    }

    /// RFC 7162 §3.1.8: `(CONDSTORE)` enables CONDSTORE for the session.
    public var condStore: Bool
    public var qresync: QResync?

    public init(condStore: Bool = false, qresync: QResync? = nil) {
        self.condStore = condStore
        self.qresync = qresync
    }
}

extension IMAPParseCursor {
    // select-params   = SP "(" select-param *(SP select-param) ")"
    // select-param    = select-param-name [SP select-param-value]        (RFC 4466 §2.1)
    // select-param    =/ condstore-param
    // condstore-param = "CONDSTORE"
    // select-param    =/  "QRESYNC" SP "(" uidvalidity SP
    //                     mod-sequence-value [SP known-uids]
    //                     [SP seq-match-data] ")"
    // seq-match-data  =  "(" known-sequence-set SP known-uid-set ")"     (RFC 7162 §7)
    mutating func parseSelectParams() throws(IMAPParseError) -> IMAPSelectParameters {
        var parameters = IMAPSelectParameters()
        _ = try parseParenthesizedList(allowEmpty: false, what: "select parameters") { (cursor: inout IMAPParseCursor) throws(IMAPParseError) in
            let name = cursor.parseKeywordToken()
            switch name {
            case "CONDSTORE":
                parameters.condStore = true
            case "QRESYNC":
                try cursor.expectSpace()
                try cursor.expect(UInt8(ascii: "("), "\"(\" opening QRESYNC parameters")
                let uidValidity = try cursor.parseNZNumber()
                try cursor.expectSpace()
                let modSequence = try cursor.parseNZNumber64()
                var qresync = IMAPSelectParameters.QResync(uidValidity: uidValidity, modSequence: modSequence)
                if cursor.consume(UInt8(ascii: " ")) {
                    if cursor.peek() != UInt8(ascii: "(") {
                        qresync.knownUIDs = try cursor.parseSequenceSet()
                        if cursor.consume(UInt8(ascii: " ")) {
                            qresync.sequenceMatch = try cursor.parseSeqMatchData()
                        }
                    } else {
                        qresync.sequenceMatch = try cursor.parseSeqMatchData()
                    }
                }
                try cursor.expect(UInt8(ascii: ")"), "\")\" closing QRESYNC parameters")
                parameters.qresync = qresync
            default:
                throw IMAPParseError(.unsupported, "unknown SELECT parameter \(name)", offset: cursor.index)
            }
        }
        return parameters
    }

    private mutating func parseSeqMatchData() throws(IMAPParseError) -> IMAPSelectParameters.QResync.SequenceMatch {
        try expect(UInt8(ascii: "("), "\"(\" opening QRESYNC sequence match data")
        let sequences = try parseSequenceSet()
        try expectSpace()
        let uids = try parseSequenceSet()
        try expect(UInt8(ascii: ")"), "\")\" closing QRESYNC sequence match data")
        return .init(sequenceNumbers: sequences, uids: uids)
    }
}
