// Which POP3 commands run on the connection's event loop and which leave it while they run
// (issue 8, POP3 download).
//
// A session's task prefers its channel's event loop (EventLoopTaskExecutor, set in
// `POP3Server.serve`): the loop reads a command, the session runs it and writes its answer into
// the pipeline on the same thread, with no wake-up of a cooperative-pool thread and none of the
// loop back for the write. Before, every command the framing handler passed on cost both.
//
// What stays on the loop, and why it is bounded there (DESIGN.md rule 5: event loops never block):
// - store work: SQLite reads go to the store's readers (or run inline when `boundedRead` finds a
//   small row and a free inline reader), blob files to its file queue, the QUIT expunge to its
//   writer; a read-ahead batch is read and rendered (stuffed) on the reader's thread.
// - password verification: on the hashing pool (`PasswordHasher.verify` async), so Argon2 never
//   runs here; the maildrop lock is an actor of its own.
// - RETR: an answer read ahead is written as it is; a large message goes out as its file
//   (sendfile) or in store reads of 1 MiB, each scanned and, where a line starts with ".",
//   copied once (a few hundred microseconds per read), the loop free again while the next read
//   is on the file queue.
// - LIST and UIDL of a whole maildrop up to `onLoopListingLimit` messages, every other command
//   (constant work).
// What leaves, below: see `leavesEventLoop`.

extension POP3Connection {
    /// Lines of a LIST or UIDL answer built on the loop: each costs a string formatting and an
    /// append (well under a microsecond), so this is about as long as a RETR read's stuffing.
    static let onLoopListingLimit = 1024

    /// Octets of a message that TOP reads on the loop: TOP reads the message whole
    /// (`MailStore.messageBytes`), copies it once into one array and scans it for the lines
    /// asked for, all in proportion to the message's size.
    static let onLoopTopOctets = 256 * 1024

    /// Whether `command` runs on Swift's global executor rather than the event loop, given the
    /// maildrop as it is now (nil before login).
    static func leavesEventLoop(_ command: POP3Command, maildrop: POP3Maildrop?) -> Bool {
        guard let maildrop else { return false }
        switch command {
        case .list(nil), .uidl(nil):
            return maildrop.entries.count > onLoopListingLimit
        case .top(let number, _):
            guard let entry = maildrop.entry(number) else { return false }
            return entry.message.size > onLoopTopOctets
        case .user, .pass, .quit, .stat, .list, .retr, .dele, .noop, .rset, .uidl, .capa, .auth, .stls, .utf8:
            return false
        }
    }
}
