// Which commands run on the connection's event loop and which leave it while they run (issue 8).
//
// A session's task prefers its channel's event loop (EventLoopTaskExecutor): most commands cost a
// few hundred microseconds of CPU and the store answers them inline, so the loop reads, runs and
// writes them without a thread hand-off. But every connection of that loop waits while one runs
// (DESIGN.md rule 5: event loops never block), so a command whose work grows with the mailbox or
// with a message's size runs on Swift's global executor instead, and pays two hand-offs: nothing
// next to its own cost.
//
// What stays on the loop, and why it is bounded there:
// - store reads: `SQLiteMailStore.boundedRead` reads at most `InlineReaders.inlineRowLimit` rows on
//   the caller's thread, anything larger on the store's reader pool; blob files are read on the
//   store's file queue (one trip per batch), writes on its writer; password hashing on its pool.
// - SELECT/EXAMINE: the view is the mailbox's UIDs (a large mailbox is read on the reader pool);
//   building it copies 4 octets per message.
// - IDLE, NOTIFY, STATUS, LIST and the other commands of the authenticated state: bounded by the
//   account's mailbox count or waiting for the client.
// - COMPRESS and STARTTLS: they change the pipeline, which is the loop's business anyway.
// - streamed APPEND literal chunks: each is copied once as it arrives.
// What leaves, below: see `leavesEventLoop`.

extension IMAPSession {
    /// Messages a command may cover and still run on the loop: one batch of the store's reads
    /// (`fetchBatchSize`, the store's inline row bound), a millisecond or two of work.
    static let onLoopMessageLimit = fetchBatchSize

    /// Octets of APPEND/REPLACE messages parsed on the loop (`MessagePreparer` reads every octet:
    /// MIME structure, envelope, search fields), about a millisecond of work.
    static let onLoopAppendOctets: UInt64 = 256 * 1024

    /// Whether `kind` runs on Swift's global executor rather than the event loop. `selected`: the
    /// session's view, when a mailbox is selected; `saved`: the SEARCHRES `$` result.
    static func leavesEventLoop(_ kind: IMAPCommandKind, selected: SelectedMailbox?, saved: [UInt32]?) -> Bool {
        func covers(_ set: IMAPSequenceSet, byUID: Bool) -> Bool {
            guard let selected else { return false }
            return selected.coveredCount(set, byUID: byUID, saved: saved) > onLoopMessageLimit
        }
        /// The whole mailbox is the candidate set (SEARCH, SORT, THREAD, EXPUNGE's answer).
        var mailboxIsLarge: Bool { (selected?.uids.count ?? 0) > onLoopMessageLimit }

        switch kind {
        // FETCH encodes every message's items (and reads bodies); STORE, COPY, MOVE and UID
        // EXPUNGE answer per message.
        case .fetch(let set, _, _), .store(let set, _, _), .copy(let set, _), .move(let set, _):
            return covers(set, byUID: false)
        case .uidFetch(let set, _, _), .uidStore(let set, _, _), .uidCopy(let set, _), .uidMove(let set, _),
             .uidExpunge(let set):
            return covers(set, byUID: true)
        // Keys on header or body octets scan message text (the full-text index narrows, the
        // matcher still reads each candidate); the others test rows or summaries per message.
        case .search(let command), .uidSearch(let command):
            return mailboxIsLarge || command.key.readsMessageText
        case .sort(let command), .uidSort(let command):
            return mailboxIsLarge || command.key.readsMessageText
        case .thread(let command), .uidThread(let command):
            return mailboxIsLarge || command.key.readsMessageText
        case .expunge:
            return mailboxIsLarge
        case .append(_, let messages):
            return appendOctets(messages) > onLoopAppendOctets
        case .replace(_, _, let message), .uidReplace(_, _, let message):
            return appendOctets([message]) > onLoopAppendOctets
        case .capability, .noop, .logout, .id, .startTLS, .authenticate, .login, .enable, .select, .examine,
             .create, .delete, .rename, .subscribe, .unsubscribe, .list, .lsub, .namespace, .status, .idle,
             .check, .close, .unselect, .getQuota, .getQuotaRoot, .setQuota, .compress, .unauthenticate, .notify:
            return false
        }
    }

    private static func appendOctets(_ messages: [IMAPAppendMessage]) -> UInt64 {
        messages.reduce(0) { total, message in
            switch message.data {
            case .bytes(let bytes): return total &+ UInt64(bytes.count)
            case .streamed(let streamed): return total &+ streamed.octets
            }
        }
    }
}

extension IMAPSearchKey {
    /// Whether deciding the key reads header or body octets of each candidate message (HEADER,
    /// BODY, TEXT anywhere in it). Iterative, so any key is safe, however it was built.
    var readsMessageText: Bool {
        var pending = [self]
        while let key = pending.popLast() {
            switch key {
            case .header, .body, .text: return true
            case .not(let inner): pending.append(inner)
            case .or(let first, let second): pending += [first, second]
            case .and(let keys): pending += keys
            default: continue
            }
        }
        return false
    }
}
