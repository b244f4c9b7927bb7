// TRANSACTION state, RFC 1939 §5 and §7: STAT, LIST, RETR, DELE, NOOP, RSET, TOP, UIDL, QUIT, CAPA.

extension POP3SessionStateMachine {
    static let noSuchMessage = POP3Response.err("no such message")

    mutating func transaction(_ command: POP3Command, maildrop: inout POP3Maildrop) -> Action {
        switch command {
        case .capa:
            return .reply(.ok("capability list follows", lines: capabilities(inTransaction: true)))
        case .stat:
            // RFC 1939 §5: "+OK nn mm", deleted messages not counted.
            return .reply(.ok("\(maildrop.liveCount) \(maildrop.liveOctets)"))
        case .list(nil):
            let lines = maildrop.liveNumbers.map { "\($0) \(maildrop.entries[$0 - 1].message.size)" }
            return .reply(.ok("\(maildrop.liveCount) messages (\(maildrop.liveOctets) octets)", lines: lines))
        case .list(let number?):
            guard let entry = maildrop.entry(number) else { return .reply(missing(number, in: maildrop)) }
            return .reply(.ok("\(number) \(entry.message.size)"))
        case .uidl(nil):
            let lines = maildrop.liveNumbers.compactMap { number in maildrop.uniqueID(number).map { "\(number) \($0)" } }
            return .reply(.ok("unique-id listing follows", lines: lines))
        case .uidl(let number?):
            guard let id = maildrop.uniqueID(number) else { return .reply(missing(number, in: maildrop)) }
            return .reply(.ok("\(number) \(id)"))
        case .retr(let number):
            guard let entry = maildrop.entry(number) else { return .reply(missing(number, in: maildrop)) }
            return .retrieve(entry, bodyLines: nil)
        case .top(let number, let lines):
            guard let entry = maildrop.entry(number) else { return .reply(missing(number, in: maildrop)) }
            return .retrieve(entry, bodyLines: lines)
        case .dele(let number):
            guard maildrop.entry(number) != nil else { return .reply(missing(number, in: maildrop)) }
            maildrop.markDeleted(number)
            return .reply(.ok("message \(number) deleted"))
        case .noop:
            return .reply(.ok(""))
        case .rset:
            maildrop.unmarkAll()
            return .reply(.ok("maildrop has \(maildrop.liveCount) messages (\(maildrop.liveOctets) octets)"))
        case .quit:
            // RFC 1939 §6: enter UPDATE and remove every message marked deleted, all at once.
            let uids = maildrop.deletedUIDs
            guard !uids.isEmpty else {
                state = .closed
                return .replyAndClose(.ok("\(configuration.hostname) POP3 server signing off (\(maildrop.liveCount) messages left)"))
            }
            enterUpdate(remaining: maildrop.liveCount)
            return .commit(mailboxID: maildrop.mailboxID, uids: uids)
        case .user, .pass, .auth, .stls, .utf8:
            return clientError(.err("command not valid in TRANSACTION state"))
        }
    }

    /// RFC 1939 §5: a deleted message and one that never existed get different texts.
    private func missing(_ number: Int, in maildrop: POP3Maildrop) -> POP3Response {
        maildrop.exists(number) ? .err("message \(number) already deleted") : Self.noSuchMessage
    }
}
