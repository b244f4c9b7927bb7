// The script commands of the authenticated state (RFC 5804 §2.5-§2.12), on the store of the
// logged-in account only.

import MailStore
import NIOCore
import Sieve

extension ManageSieveSession {
    mutating func performScriptCommand(_ command: ManageSieveCommand, account: Account,
                                       _ outbound: Outbound) async throws {
        let response: ManageSieveResponse
        switch command {
        case .haveSpace(let name, let size):
            response = await haveSpace(name: name, size: Int(size), account: account)
        case .putScript(let name, let content):
            response = await putScript(name: name, content: content, account: account)
        case .checkScript(let content):
            // RFC 5804 §2.12: "MUST NOT check if the script will put the current user over its quota".
            switch check(content) {
            case .valid: response = .ok("script is valid")
            case .invalid(let refusal): response = refusal
            }
        case .listScripts:
            try await listScripts(account: account, outbound)
            return
        case .getScript(let name):
            try await getScript(name: name, account: account, outbound)
            return
        case .setActive(let name):
            response = await storeCall("SETACTIVE") {
                // RFC 5804 §2.8: the empty name disables any active script, and that is never an error.
                if name.isEmpty {
                    try await $0.activateSieveScript(accountID: account.id, name: nil)
                    return .ok("no script active")
                }
                guard ManageSieveScriptName.isValid(name) else { return Self.invalidName }
                try await $0.activateSieveScript(accountID: account.id, name: name)
                return .ok("script activated")
            }
        case .deleteScript(let name):
            response = await storeCall("DELETESCRIPT") {
                guard ManageSieveScriptName.isValid(name) else { return Self.invalidName }
                try await $0.deleteSieveScript(accountID: account.id, name: name)
                return .ok("script deleted")
            }
        case .renameScript(let from, let to):
            response = await storeCall("RENAMESCRIPT") {
                guard ManageSieveScriptName.isValid(from), ManageSieveScriptName.isValid(to) else { return Self.invalidName }
                try await $0.renameSieveScript(accountID: account.id, from: from, to: to)
                return .ok("script renamed")
            }
        default:
            response = .no("not a script command")
        }
        try await send(response, outbound)
    }

    static let invalidName = ManageSieveResponse.no("invalid script name (RFC 5804 section 1.6)")

    // MARK: HAVESPACE, PUTSCRIPT, CHECKSCRIPT

    /// RFC 5804 §2.5: NO (QUOTA/…) when storing a script of that name and size would fail.
    private func haveSpace(name: String, size: Int, account: Account) async -> ManageSieveResponse {
        guard ManageSieveScriptName.isValid(name) else { return Self.invalidName }
        guard size <= configuration.maxScriptSize else { return Self.tooLarge(configuration.maxScriptSize) }
        return await storeCall("HAVESPACE") {
            if try await wouldExceedScriptLimit(name: name, account: account, in: $0) {
                return Self.tooMany(configuration.maxScripts)
            }
            return .ok("putscript would succeed")
        }
    }

    /// Whether storing a script named `name` adds one past the listener's limit (a replacement
    /// never does). HAVESPACE and PUTSCRIPT ask the same question, so an OK to HAVESPACE is not
    /// followed by a refusal for the same reason (RFC 5804 §2.5).
    private func wouldExceedScriptLimit(name: String, account: Account, in store: any MailStore) async throws -> Bool {
        let scripts = try await store.sieveScripts(accountID: account.id)
        return !scripts.contains(where: { $0.name == name }) && scripts.count >= configuration.maxScripts
    }

    /// RFC 5804 §2.6: validate with the same compiler delivery uses; "Any script that fails the
    /// validity test MUST NOT be stored on the server."
    private func putScript(name: String, content: [UInt8], account: Account) async -> ManageSieveResponse {
        guard ManageSieveScriptName.isValid(name) else { return Self.invalidName }
        let source: String
        switch check(content) {
        case .valid(let text): source = text
        case .invalid(let refusal): return refusal
        }
        return await storeCall("PUTSCRIPT") {
            // RFC 5804 §2.6 with §1.3 QUOTA/MAXSCRIPTS. The store enforces its own (higher) bound
            // inside its transaction, so a race between two sessions cannot pass that one.
            if try await wouldExceedScriptLimit(name: name, account: account, in: $0) {
                return Self.tooMany(configuration.maxScripts)
            }
            try await $0.putSieveScript(accountID: account.id, name: name, content: source)
            return .ok("script stored")
        }
    }

    /// The outcome of checking an uploaded script.
    enum ScriptCheck {
        case valid(String)
        case invalid(ManageSieveResponse)
    }

    /// Size, encoding, then compilation: the source on success, the NO to send otherwise.
    // todo(rfc): RFC 5804 §2.6 OK (WARNINGS): the compiler reports no warnings yet (for example a
    // script with more redirects than MAXREDIRECTS).
    func check(_ content: [UInt8]) -> ScriptCheck {
        guard content.count <= configuration.maxScriptSize else {
            return .invalid(Self.tooLarge(configuration.maxScriptSize))
        }
        // RFC 5804 §2.6: "A script of zero length SHOULD be disallowed."
        guard !content.isEmpty else { return .invalid(.no("empty script")) }
        guard let source = String(validating: content, as: UTF8.self) else {
            return .invalid(.no("script is not valid UTF-8"))
        }
        switch SieveCompiler.compile(source, options: configuration.compilerOptions) {
        case .success:
            return .valid(source)
        case .failure(let errors):
            // "SHOULD contain a specific error message giving the line number of the first
            // error … this may be a multiline literal string with more than one error message
            // separated by CRLFs": line:column: message, one per line.
            return .invalid(.no(errors.errors.map(\.description).joined(separator: "\r\n")))
        }
    }

    static func tooLarge(_ limit: Int) -> ManageSieveResponse {
        .no("script larger than \(limit) octets", code: .quotaMaxSize)
    }

    static func tooMany(_ limit: Int) -> ManageSieveResponse {
        .no("at most \(limit) scripts per account", code: .quotaMaxScripts)
    }

    // MARK: LISTSCRIPTS, GETSCRIPT

    /// RFC 5804 §2.7: one name per line, the active one followed by ACTIVE.
    private func listScripts(account: Account, _ outbound: Outbound) async throws {
        let scripts: [SieveScriptEntry]
        do {
            scripts = try await store.sieveScripts(accountID: account.id)
        } catch {
            try await send(storeFailure(error, command: "LISTSCRIPTS"), outbound)
            return
        }
        var data = channel.channel.allocator.buffer(capacity: 32 * max(scripts.count, 1))
        for script in scripts {
            ManageSieveString.encode(script.name, into: &data)
            if script.isActive { data.writeString(" ACTIVE") }
            data.writeString("\r\n")
        }
        try await send(data: data, then: .ok("Listscripts completed"), outbound)
    }

    /// RFC 5804 §2.9: the script as a string (always a literal, as clients expect), CRLF, OK.
    private func getScript(name: String, account: Account, _ outbound: Outbound) async throws {
        guard ManageSieveScriptName.isValid(name) else {
            try await send(.no("there is no script by that name", code: .nonexistent), outbound)
            return
        }
        let content: String?
        do {
            content = try await store.sieveScript(accountID: account.id, name: name)
        } catch {
            try await send(storeFailure(error, command: "GETSCRIPT"), outbound)
            return
        }
        guard let content else {
            try await send(.no("there is no script by that name", code: .nonexistent), outbound)
            return
        }
        var data = channel.channel.allocator.buffer(capacity: content.utf8.count + 16)
        data.writeString("{\(content.utf8.count)}\r\n")
        data.writeString(content)
        data.writeString("\r\n")
        try await send(data: data, then: .ok("Getscript completed"), outbound)
    }

    // MARK: Store errors

    /// Runs a store operation and maps its errors to RFC 5804 §1.3 response codes.
    private func storeCall(_ command: String,
                           _ body: (any MailStore) async throws -> ManageSieveResponse) async -> ManageSieveResponse {
        do {
            return try await body(store)
        } catch {
            return storeFailure(error, command: command)
        }
    }

    private func storeFailure(_ error: any Error, command: String) -> ManageSieveResponse {
        switch error as? StoreError {
        case .notFound?: return .no("there is no script by that name", code: .nonexistent)
        case .alreadyExists?: return .no("a script by that name already exists", code: .alreadyExists)
        case .inUse?: return .no("the active script cannot be deleted; deactivate it first", code: .active)
        case .invalidName?: return Self.invalidName
        case .overQuota?: return Self.tooMany(configuration.maxScripts)
        case .messageTooLarge?: return Self.tooLarge(configuration.maxScriptSize)
        case .backend?, nil:
            logger.error("store failure", metadata: ["managesieve.command": "\(command)", "error": "\(error)"])
            return .no("temporary server failure, try again later", code: .tryLater)
        }
    }
}
