// Which command runs in which state (RFC 9051 §6): a command in the wrong state gets BAD, with
// the reason, and changes nothing.

import MailStore

extension IMAPSession {
    mutating func run(_ command: IMAPCommand, _ outbound: Outbound) async throws -> CommandOutcome {
        let tag = command.tag
        switch command.kind {
        // RFC 9051 §6.1: any state.
        case .capability:
            queue(.untagged(.capability(capabilities)))
            return .done(.ok("CAPABILITY completed"))
        case .noop, .check:
            if case .check = command.kind, selected == nil { return notSelected() }
            return .done(.ok("\(Self.metricName(command.kind)) completed"))
        case .logout:
            queue(.untagged(.bye(nil, "Facteur IMAP logging out")))
            queue(.tagged(tag: tag, .ok("LOGOUT completed")))
            return .close
        case .id:
            // RFC 2971 §3.3: the server's identification; the client's is only logged.
            queue(.untagged(.id([IMAPIDParameter("name", "Facteur"), IMAPIDParameter("vendor", "Facteur")])))
            return .done(.ok("ID completed"))

        // RFC 9051 §6.2: not authenticated.
        case .startTLS:
            guard account == nil else { return .done(.bad("Already authenticated")) }
            return startTLS(tag: tag)
        case .login(let username, let password):
            guard account == nil else { return .done(.bad("Already authenticated")) }
            return try await login(tag: tag, username: username, password: password, outbound)
        case .authenticate(let mechanism, let initialResponse):
            guard account == nil else { return .done(.bad("Already authenticated")) }
            return try await authenticate(tag: tag, mechanism: mechanism, initialResponse: initialResponse, outbound)

        // RFC 9051 §6.3: authenticated (or selected).
        case .enable(let names):
            guard account != nil else { return notAuthenticated() }
            return enable(names)
        case .select(let name, let parameters):
            guard account != nil else { return notAuthenticated() }
            return try await select(name, parameters, readOnly: false)
        case .examine(let name, let parameters):
            guard account != nil else { return notAuthenticated() }
            return try await select(name, parameters, readOnly: true)
        case .create(let name, let specialUse):
            guard let account else { return notAuthenticated() }
            return try await create(name, specialUse: specialUse, account: account)
        case .delete(let name):
            guard let account else { return notAuthenticated() }
            return try await delete(name, account: account)
        case .rename(let from, let to):
            guard let account else { return notAuthenticated() }
            return try await rename(from, to: to, account: account)
        case .subscribe(let name):
            guard let account else { return notAuthenticated() }
            try await store.setSubscribed(accountID: account.id, name: name.name, subscribed: true)
            return .done(.ok("SUBSCRIBE completed"))
        case .unsubscribe(let name):
            guard let account else { return notAuthenticated() }
            try await store.setSubscribed(accountID: account.id, name: name.name, subscribed: false)
            return .done(.ok("UNSUBSCRIBE completed"))
        case .list(let list):
            guard let account else { return notAuthenticated() }
            return try await self.list(list, account: account)
        case .lsub(let reference, let pattern):
            guard let account else { return notAuthenticated() }
            return try await lsub(reference: reference, pattern: pattern, account: account)
        case .namespace:
            guard account != nil else { return notAuthenticated() }
            // RFC 2342 / RFC 9051 §6.3.10: one personal namespace, no prefix, "/" delimiter.
            queue(.untagged(.namespace(IMAPNamespaceResponse(personal: [.init(prefix: "", delimiter: "/")]))))
            return .done(.ok("NAMESPACE completed"))
        case .status(let name, let attributes):
            guard let account else { return notAuthenticated() }
            return try await status(name, attributes, account: account)
        case .append(let name, let messages):
            guard let account else { return notAuthenticated() }
            return try await append(messages, to: name, account: account)
        case .idle:
            guard account != nil else { return notAuthenticated() }
            return try await startIdle(tag: tag)

        // RFC 9051 §6.4: selected.
        case .close, .unselect:
            guard selected != nil else { return notSelected() }
            return try await close(expunging: command.kind == .close)
        case .expunge:
            guard selected != nil else { return notSelected() }
            return try await expunge(uids: nil)
        case .uidExpunge(let set):
            guard selected != nil else { return notSelected() }
            return try await expunge(uids: set)
        case .search(let search):
            guard selected != nil else { return notSelected() }
            return try await self.search(search, tag: tag, byUID: false)
        case .uidSearch(let search):
            guard selected != nil else { return notSelected() }
            return try await self.search(search, tag: tag, byUID: true)
        case .sort(let sort):
            guard selected != nil else { return notSelected() }
            return try await self.sort(sort, byUID: false)
        case .uidSort(let sort):
            guard selected != nil else { return notSelected() }
            return try await self.sort(sort, byUID: true)
        case .thread(let thread):
            guard selected != nil else { return notSelected() }
            return try await self.thread(thread, byUID: false)
        case .uidThread(let thread):
            guard selected != nil else { return notSelected() }
            return try await self.thread(thread, byUID: true)
        case .fetch(let set, let attributes, let modifiers):
            guard selected != nil else { return notSelected() }
            return try await fetch(set, attributes, modifiers: modifiers, byUID: false, outbound)
        case .uidFetch(let set, let attributes, let modifiers):
            guard selected != nil else { return notSelected() }
            return try await fetch(set, attributes, modifiers: modifiers, byUID: true, outbound)
        case .store(let set, let flags, let unchangedSince):
            guard selected != nil else { return notSelected() }
            return try await storeFlags(set, flags, unchangedSince: unchangedSince, byUID: false)
        case .uidStore(let set, let flags, let unchangedSince):
            guard selected != nil else { return notSelected() }
            return try await storeFlags(set, flags, unchangedSince: unchangedSince, byUID: true)
        case .copy(let set, let name):
            guard selected != nil else { return notSelected() }
            return try await copy(set, to: name, byUID: false, move: false)
        case .uidCopy(let set, let name):
            guard selected != nil else { return notSelected() }
            return try await copy(set, to: name, byUID: true, move: false)
        case .move(let set, let name):
            guard selected != nil else { return notSelected() }
            return try await copy(set, to: name, byUID: false, move: true)
        case .uidMove(let set, let name):
            guard selected != nil else { return notSelected() }
            return try await copy(set, to: name, byUID: true, move: true)
        case .replace(let number, let name, let message):
            guard selected != nil else { return notSelected() }
            return try await replace(number, with: message, in: name, byUID: false)
        case .uidReplace(let uid, let name, let message):
            guard selected != nil else { return notSelected() }
            return try await replace(uid, with: message, in: name, byUID: true)

        // Parsed for later issues; not announced in CAPABILITY, so a client that sends them anyway
        // learns they are not available.
        case .unauthenticate:
            guard account != nil else { return notAuthenticated() }
            return try await unauthenticate(outbound)
        // RFC 9208 §4: authenticated state.
        case .getQuota(let root):
            guard let account else { return notAuthenticated() }
            return try await getQuota(root, account: account)
        case .getQuotaRoot(let name):
            guard let account else { return notAuthenticated() }
            return try await getQuotaRoot(name, account: account)
        case .setQuota:
            guard account != nil else { return notAuthenticated() }
            return setQuota()
        case .compress(let mechanism):
            guard account != nil else { return notAuthenticated() }
            return startCompression(mechanism, tag: tag)
        case .notify(let notify):
            guard let account else { return notAuthenticated() }
            return try await self.notify(notify, account: account, outbound)
        }
    }

    func notAuthenticated() -> CommandOutcome {
        .done(.bad("Log in first (LOGIN or AUTHENTICATE)"))
    }

    func notSelected() -> CommandOutcome {
        .done(.bad("No mailbox selected (SELECT or EXAMINE first)"))
    }

    /// The command's name for metrics and logs: bounded, never client text.
    static func metricName(_ kind: IMAPCommandKind) -> String {
        switch kind {
        case .capability: return "CAPABILITY"
        case .noop: return "NOOP"
        case .logout: return "LOGOUT"
        case .id: return "ID"
        case .startTLS: return "STARTTLS"
        case .authenticate: return "AUTHENTICATE"
        case .login: return "LOGIN"
        case .enable: return "ENABLE"
        case .select: return "SELECT"
        case .examine: return "EXAMINE"
        case .create: return "CREATE"
        case .delete: return "DELETE"
        case .rename: return "RENAME"
        case .subscribe: return "SUBSCRIBE"
        case .unsubscribe: return "UNSUBSCRIBE"
        case .list: return "LIST"
        case .lsub: return "LSUB"
        case .namespace: return "NAMESPACE"
        case .status: return "STATUS"
        case .append: return "APPEND"
        case .idle: return "IDLE"
        case .check: return "CHECK"
        case .close: return "CLOSE"
        case .unselect: return "UNSELECT"
        case .expunge: return "EXPUNGE"
        case .uidExpunge: return "UID EXPUNGE"
        case .search: return "SEARCH"
        case .uidSearch: return "UID SEARCH"
        case .sort: return "SORT"
        case .uidSort: return "UID SORT"
        case .thread: return "THREAD"
        case .uidThread: return "UID THREAD"
        case .fetch: return "FETCH"
        case .uidFetch: return "UID FETCH"
        case .store: return "STORE"
        case .uidStore: return "UID STORE"
        case .copy: return "COPY"
        case .uidCopy: return "UID COPY"
        case .move: return "MOVE"
        case .uidMove: return "UID MOVE"
        case .replace: return "REPLACE"
        case .uidReplace: return "UID REPLACE"
        case .getQuota: return "GETQUOTA"
        case .getQuotaRoot: return "GETQUOTAROOT"
        case .setQuota: return "SETQUOTA"
        case .compress: return "COMPRESS"
        case .unauthenticate: return "UNAUTHENTICATE"
        case .notify: return "NOTIFY"
        }
    }
}
