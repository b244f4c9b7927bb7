// Read-ahead of small messages for RETR: clients download a maildrop in order, one RETR at a time,
// so when RETR n asks for a small message the session reads it and the small messages after it in
// one store trip, renders their answers, and offers them to the framing handler, which answers the
// next RETRs on the event loop (POP3PreparedAnswers.swift) with no hop to any other thread.
//
// Why: a small RETR used to cost two thread hand-offs to the store (there and back) on top of the
// write; Dovecot answers it from a Maildir file with none. One SQLite read transaction fetches
// dozens of small messages (stored inline in the database) as cheaply as one.
//
// The memory held is bounded by `Configuration.byteBudget` per session; a batch replaces the
// previous one, so a client that jumps around costs at most one budget of wasted reads.

import MailStore
import NIOCore

/// The messages read ahead by one session, by UID. A value owned by one session.
struct POP3ReadAhead {
    struct Configuration {
        /// Only messages below this size are read ahead: larger ones are streamed in chunks.
        /// Up to the store's inline limit (64 KB) a message is one database read; up to this one
        /// its blob file is read on the reader's thread inside the same trip
        /// (`SQLiteMailStore.inPlaceFileReadLimit`), so a batch still costs one store hop.
        var messageSizeLimit = 256 * 1024
        /// Octets held per session, the message asked for included.
        var byteBudget = 1 << 20
        /// Messages per store trip.
        var countLimit = 128
    }

    let configuration: Configuration
    /// Rendered answers by UID (numbers are what the handler's table uses; see `answers(in:)`).
    private var cached: [UInt32: POP3PreparedAnswers.Answer] = [:]
    /// Off after a batch read failed (a message of it was expunged by another session meanwhile):
    /// each RETR then reads its message alone, which reports a missing message as before.
    private(set) var isEnabled = true
    /// The next message opened while the previous one was being sent (see `follower`).
    private var opened: (uid: UInt32, message: POP3OpenedMessage)?

    init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Number of messages held (for tests).
    var count: Int { cached.count }

    /// The answer for the message with this UID if it was read ahead; handed over once.
    mutating func take(uid: UInt32) -> POP3PreparedAnswers.Answer? {
        cached.removeValue(forKey: uid)
    }

    /// What the framing handler may answer by itself now: the held answers of messages live in
    /// `maildrop` (RFC 1939 §5), by message number. Entries the handler already sent stay held
    /// here (the session is not told), so a second RETR of one is answered too.
    func answers(in maildrop: POP3Maildrop) -> POP3PreparedAnswers {
        var table = POP3PreparedAnswers()
        for (uid, answer) in cached {
            guard let index = Self.index(of: uid, in: maildrop.entries), !maildrop.entries[index].deleted else { continue }
            table.insert(answer, number: index + 1)
        }
        return table
    }

    /// What to read in one trip for a RETR of `entry`: the entry itself, then the live messages
    /// after it in maildrop order while they are small and within the budget. Empty when `entry`
    /// is not small (it is streamed) or not in `maildrop`.
    func plan(for entry: POP3Maildrop.Entry, in maildrop: POP3Maildrop) -> [StoredMessage] {
        guard isEnabled, entry.message.size < configuration.messageSizeLimit,
              let start = Self.index(of: entry.message.uid, in: maildrop.entries) else { return [] }
        var batch = [entry.message]
        var octets = entry.message.size
        var index = start + 1
        while index < maildrop.entries.count, batch.count < configuration.countLimit {
            let next = maildrop.entries[index]
            index += 1
            if next.deleted { continue }   // RFC 1939 §5: a deleted message cannot be retrieved
            let size = next.message.size
            guard size < configuration.messageSizeLimit, octets + size <= configuration.byteBudget else { break }
            batch.append(next.message)
            octets += size
        }
        return batch
    }

    /// The batch to read while `entry`, a message too large for a batch, is streamed: the one
    /// that RETR of the next live message would read. Reading it meanwhile (a child task) saves
    /// that RETR its store trip. Empty when `entry` is small (its own RETR reads the batch).
    func batch(after entry: POP3Maildrop.Entry, in maildrop: POP3Maildrop) -> [StoredMessage] {
        guard entry.message.size >= configuration.messageSizeLimit,
              let start = Self.index(of: entry.message.uid, in: maildrop.entries),
              let next = maildrop.entries[(start + 1)...].first(where: { !$0.deleted }) else { return [] }
        return plan(for: next, in: maildrop)
    }

    /// Keeps a batch read ahead of its first RETR (`batch(after:)`), all of it; replaces
    /// whatever was held before.
    mutating func keepAll(_ messages: [StoredMessage], answers: [POP3PreparedAnswers.Answer]) {
        cached.removeAll(keepingCapacity: true)
        for (message, answer) in zip(messages, answers) { cached[message.uid] = answer }
    }

    /// Keeps what one trip read, except the first message (the one being answered now);
    /// replaces whatever was held before.
    mutating func keep(_ messages: [StoredMessage], answers: [POP3PreparedAnswers.Answer]) {
        cached.removeAll(keepingCapacity: true)
        for (message, answer) in zip(messages, answers).dropFirst() { cached[message.uid] = answer }
    }

    /// A batch read failed: drop everything and read each message alone from now on.
    mutating func disable() {
        cached.removeAll()
        opened = nil
        isEnabled = false
    }

    /// The message to open while `entry` is being sent: the next live one, when it is too large
    /// for a batch but at most `readSize` (a first store read holds all of it; without TLS the
    /// caller passes any size, since opening a content file to send as it lies reads nothing). Opening it (a database
    /// read, a file open and read on the store's threads) then overlaps the sending instead of
    /// following the client's RETR.
    func follower(of entry: POP3Maildrop.Entry, in maildrop: POP3Maildrop, readSize: Int) -> StoredMessage? {
        guard isEnabled, let start = Self.index(of: entry.message.uid, in: maildrop.entries) else { return nil }
        guard let next = maildrop.entries[(start + 1)...].first(where: { !$0.deleted }) else { return nil }
        let size = next.message.size
        return size >= configuration.messageSizeLimit && size <= readSize ? next.message : nil
    }

    /// Keeps the opened follower (nil: opening it failed; the RETR will read it itself and report).
    mutating func keepOpened(_ message: POP3OpenedMessage?, uid: UInt32) {
        opened = message.map { (uid, $0) }
    }

    /// The opened stream of this message, if it is the one opened ahead; anything else opened is
    /// dropped (closing its file), so at most one is ever held.
    mutating func takeOpened(uid: UInt32) -> POP3OpenedMessage? {
        defer { opened = nil }
        return opened?.uid == uid ? opened?.message : nil
    }

    /// The maildrop is in UID order (the store lists INBOX `ORDER BY uid`): a binary search, with
    /// an exact-match check so an unordered snapshot only loses the read-ahead.
    static func index(of uid: UInt32, in entries: [POP3Maildrop.Entry]) -> Int? {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].message.uid < uid { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].message.uid == uid ? low : nil
    }
}

/// A large message opened before its RETR: its content file to send as it lies (sendfile), or
/// its pieces to stuff and write.
enum POP3OpenedMessage: Sendable {
    case plainFile(PlainContentFile)
    case chunks(AsyncThrowingStream<ByteBuffer, any Error>)
}
