import Foundation
import MailStore
import Testing
@testable import POP3Server

@Suite struct POP3SessionStateMachineTests {
    typealias Machine = POP3SessionStateMachine

    static func maildrop(sizes: [Int] = [100, 200, 300]) -> POP3Maildrop {
        let mailbox = Mailbox(id: 9, accountID: 1, name: "INBOX", uidValidity: 777, uidNext: 50, highestModSeq: 1,
                              specialUse: nil, subscribed: true, messageCount: sizes.count, unseenCount: 0,
                              totalBytes: Int64(sizes.reduce(0, +)))
        let messages = sizes.enumerated().map { index, size in
            StoredMessage(id: Int64(index + 1), mailboxID: 9, uid: UInt32(10 + index), modSeq: 1, flags: [],
                          internalDate: Date(), saveDate: Date(), size: size, contentSHA256: "", prefixLength: 0,
                          metadata: Data([1, 2, 3]))
        }
        return POP3Maildrop(mailbox: mailbox, messages: messages)
    }

    static func machine(tls: Bool = false, allowedWithoutTLS: Bool = true, tlsAvailable: Bool = false,
                        maxErrors: Int = 10) -> Machine {
        Machine(configuration: .init(hostname: "pop.test", tlsAvailable: tlsAvailable,
                                     credentialsAllowedWithoutTLS: allowedWithoutTLS, maxErrors: maxErrors),
                tlsActive: tls)
    }

    static func parse(_ line: String) -> Result<POP3Command, POP3CommandError> {
        do throws(POP3CommandError) {
            return .success(try POP3CommandParser.parse(Array(line.utf8)))
        } catch {
            return .failure(error)
        }
    }

    /// A machine logged in on `maildrop()`.
    static func loggedIn(_ sizes: [Int] = [100, 200, 300]) -> Machine {
        var machine = machine()
        _ = machine.command(parse("USER alice"))
        _ = machine.command(parse("PASS secret"))
        _ = machine.loginFinished(.success(maildrop(sizes: sizes)))
        return machine
    }

    static func reply(_ machine: inout Machine, _ line: String) -> POP3Response? {
        if case .reply(let response) = machine.command(parse(line)) { return response }
        return nil
    }

    @Test func userPassAsksToAuthenticateThenEntersTransaction() {
        var machine = Self.machine()
        #expect(machine.greeting.description == "+OK pop.test POP3 Facteur ready")
        #expect(Self.reply(&machine, "USER alice")?.ok == true)
        #expect(machine.command(Self.parse("PASS se cret")) == .authenticate(POP3Credentials(user: "alice", password: "se cret")))
        #expect(machine.loginFinished(.success(Self.maildrop())) == .reply(.ok("maildrop has 3 messages (600 octets)")))
        #expect(machine.isInTransaction)
        #expect(machine.maildrop?.entries.allSatisfy { $0.message.metadata.isEmpty } == true)
    }

    @Test func passWithoutUserIsRefused() {
        var machine = Self.machine()
        #expect(Self.reply(&machine, "PASS x")?.ok == false)
    }

    @Test func badCredentialsGiveAuthCodeAndResetUser() {
        var machine = Self.machine()
        _ = machine.command(Self.parse("USER alice"))
        _ = machine.command(Self.parse("PASS wrong"))
        #expect(machine.loginFinished(.badCredentials) == .reply(.err("invalid user name or password", code: .auth)))
        #expect(Self.reply(&machine, "PASS again")?.text == "send USER first")
    }

    @Test func repeatedBadCredentialsClose() {
        var machine = Self.machine()
        var last: Machine.Action?
        for _ in 0..<3 {
            _ = machine.command(Self.parse("USER alice"))
            _ = machine.command(Self.parse("PASS wrong"))
            last = machine.loginFinished(.badCredentials)
        }
        #expect(last == .replyAndClose(.err("invalid user name or password", code: .auth)))
    }

    @Test func inUseAndStoreFailureCodes() {
        var machine = Self.machine()
        _ = machine.command(Self.parse("USER alice"))
        _ = machine.command(Self.parse("PASS secret"))
        #expect(machine.loginFinished(.inUse) == .reply(.err("maildrop already locked by another POP3 session", code: .inUse)))
        _ = machine.command(Self.parse("USER alice"))
        _ = machine.command(Self.parse("PASS secret"))
        #expect(machine.loginFinished(.storeFailure) == .reply(.err("maildrop temporarily unavailable", code: .sysTemp)))
        #expect(!machine.isInTransaction)
    }

    @Test func credentialsRefusedWithoutTLSWhenPolicySaysSo() {
        var machine = Self.machine(allowedWithoutTLS: false, tlsAvailable: true)
        #expect(Self.reply(&machine, "USER alice")?.code == .auth)
        #expect(Self.reply(&machine, "PASS x")?.code == .auth)
        #expect(Self.reply(&machine, "AUTH PLAIN AGEAYg==")?.code == .auth)
        #expect(Self.reply(&machine, "AUTH") == .ok("supported mechanisms follow", lines: []))
        #expect(!machine.capabilities.contains { $0.hasPrefix("SASL") })
        #expect(machine.capabilities.contains("STLS"))
        #expect(machine.command(Self.parse("STLS")) == .startTLS(.ok("Begin TLS negotiation")))
        #expect(machine.tlsActive)
        #expect(machine.capabilities.contains("SASL PLAIN LOGIN SCRAM-SHA-256"))
        #expect(!machine.capabilities.contains("STLS"))
        #expect(Self.reply(&machine, "USER alice")?.ok == true)
        #expect(Self.reply(&machine, "STLS")?.ok == false)
    }

    /// DESIGN.md rule 4, the same in IMAP, POP3 and ManageSieve: SCRAM waits for TLS like PLAIN.
    @Test func scramRefusedWithoutTLSWhenPolicySaysSo() {
        var machine = Self.machine(allowedWithoutTLS: false, tlsAvailable: true)
        #expect(Self.reply(&machine, "AUTH SCRAM-SHA-256")?.code == .auth)
        #expect(Self.reply(&machine, "AUTH SCRAM-SHA-256 \(Data("n,,n=alice,r=abc".utf8).base64EncodedString())")?.code == .auth)
        #expect(machine.command(Self.parse("STLS")) == .startTLS(.ok("Begin TLS negotiation")))
        #expect(machine.command(Self.parse("AUTH SCRAM-SHA-256")) == .saslStart(mechanism: "SCRAM-SHA-256", initialResponse: nil))
    }

    @Test func stlsUnavailableOrAfterUTF8() {
        var plain = Self.machine()
        #expect(Self.reply(&plain, "STLS") == .err("STLS not available"))
        var utf8 = Self.machine(tlsAvailable: true)
        #expect(Self.reply(&utf8, "UTF8") == .ok("UTF8 enabled"))
        #expect(Self.reply(&utf8, "STLS")?.ok == false)
    }

    @Test func authStartsAnExchangeWithTheDecodedInitialResponse() {
        var machine = Self.machine()
        // "\0alice\0secret"
        #expect(machine.command(Self.parse("AUTH PLAIN AGFsaWNlAHNlY3JldA==")) ==
                .saslStart(mechanism: "PLAIN", initialResponse: Array("\0alice\0secret".utf8)))
        _ = machine.loginFinished(.badCredentials)
        #expect(machine.command(Self.parse("AUTH PLAIN =")) == .saslStart(mechanism: "PLAIN", initialResponse: []))
        _ = machine.loginFinished(.malformed)
        #expect(machine.command(Self.parse("AUTH SCRAM-SHA-256")) == .saslStart(mechanism: "SCRAM-SHA-256", initialResponse: nil))
        // RFC 5034 §4: each challenge is "+ base64"; the answer is decoded for the exchange.
        #expect(machine.saslChallenge(Array("r=abc".utf8)) == .saslContinue(Array("r=abc".utf8)))
        #expect(machine.expectsSASLResponse)
        #expect(machine.saslResponse(Array("YWxpY2UAYWxpY2UAc2VjcmV0".utf8)) == .saslStep(Array("alice\0alice\0secret".utf8)))
        #expect(!machine.expectsSASLResponse)
        #expect(machine.saslChallenge([]) == .saslContinue([]))
        #expect(machine.saslResponse([]) == .saslStep([]))
        #expect(machine.loginFinished(.success(Self.maildrop())) ==
                .reply(.ok("maildrop has 3 messages (600 octets)")))
    }

    @Test func saslCancelMalformedAndProxyAreRefused() {
        var machine = Self.machine()
        _ = machine.command(Self.parse("AUTH LOGIN"))
        _ = machine.saslChallenge(Array("Username:".utf8))
        #expect(machine.saslResponse(Array("*".utf8)) == .reply(.err("authentication cancelled")))
        _ = machine.command(Self.parse("AUTH PLAIN"))
        _ = machine.saslChallenge([])
        #expect(machine.saslResponse(Array("!!notbase64".utf8)) == .reply(.err("malformed SASL response")))
        #expect(Self.reply(&machine, "AUTH PLAIN !!!!") == .err("malformed SASL initial response"))
        _ = machine.command(Self.parse("AUTH PLAIN Ym9iAGFsaWNlAHNlY3JldA=="))
        #expect(machine.loginFinished(.authorizationDenied) == .reply(.err("authorization identity not permitted", code: .auth)))
        _ = machine.command(Self.parse("AUTH PLAIN AGFsaWNl"))
        #expect(machine.loginFinished(.malformed) == .reply(.err("malformed SASL response")))
        #expect(Self.reply(&machine, "AUTH CRAM-MD5") == .err("unsupported authentication mechanism"))
        #expect(Self.reply(&machine, "AUTH") == .ok("supported mechanisms follow", lines: ["PLAIN", "LOGIN", "SCRAM-SHA-256"]))
    }

    @Test func transactionCommandsBeforeLoginAreErrors() {
        var machine = Self.machine()
        for line in ["STAT", "LIST", "RETR 1", "DELE 1", "UIDL", "TOP 1 1", "RSET", "NOOP"] {
            #expect(Self.reply(&machine, line)?.ok == false, "\(line)")
        }
    }

    @Test func capabilitiesBeforeAndAfterLogin() {
        var machine = Self.machine(tlsAvailable: true)
        #expect(machine.capabilities == ["TOP", "UIDL", "USER", "SASL PLAIN LOGIN SCRAM-SHA-256", "STLS", "RESP-CODES", "AUTH-RESP-CODE",
                                         "PIPELINING", "EXPIRE NEVER", "LOGIN-DELAY 0", "UTF8", "IMPLEMENTATION Facteur"])
        _ = machine.command(Self.parse("USER a"))
        _ = machine.command(Self.parse("PASS b"))
        _ = machine.loginFinished(.success(Self.maildrop()))
        let capa = Self.reply(&machine, "CAPA")
        #expect(capa?.lines?.contains("USER") == false)
        #expect(capa?.lines?.contains("STLS") == false)
        #expect(capa?.lines?.contains("PIPELINING") == true)
    }

    @Test func statListUidlAndDeletionMarks() {
        var machine = Self.loggedIn()
        #expect(Self.reply(&machine, "STAT") == .ok("3 600"))
        #expect(Self.reply(&machine, "LIST") == .ok("3 messages (600 octets)", lines: ["1 100", "2 200", "3 300"]))
        #expect(Self.reply(&machine, "LIST 2") == .ok("2 200"))
        #expect(Self.reply(&machine, "UIDL") == .ok("unique-id listing follows", lines: ["1 777.10", "2 777.11", "3 777.12"]))
        #expect(Self.reply(&machine, "UIDL 3") == .ok("3 777.12"))
        #expect(Self.reply(&machine, "DELE 2") == .ok("message 2 deleted"))
        #expect(Self.reply(&machine, "DELE 2") == .err("message 2 already deleted"))
        #expect(Self.reply(&machine, "RETR 2") == .err("message 2 already deleted"))
        #expect(Self.reply(&machine, "STAT") == .ok("2 400"))
        #expect(Self.reply(&machine, "LIST") == .ok("2 messages (400 octets)", lines: ["1 100", "3 300"]))
        #expect(Self.reply(&machine, "UIDL")?.lines == ["1 777.10", "3 777.12"])
        #expect(Self.reply(&machine, "RSET") == .ok("maildrop has 3 messages (600 octets)"))
        #expect(Self.reply(&machine, "STAT") == .ok("3 600"))
    }

    @Test(arguments: ["RETR 0", "RETR 4", "RETR 4294967296", "LIST 0", "UIDL 99", "DELE 4", "TOP 0 1", "TOP 9999999999 1"])
    func outOfRangeNumbersAreErrors(line: String) {
        var machine = Self.loggedIn()
        #expect(Self.reply(&machine, line) == .err("no such message"))
        #expect(machine.isInTransaction)
    }

    @Test func retrAndTopAskToStream() {
        var machine = Self.loggedIn()
        guard case .retrieve(let entry, nil) = machine.command(Self.parse("RETR 3")) else {
            Issue.record("expected retrieve")
            return
        }
        #expect(entry.message.uid == 12)
        guard case .retrieve(let top, 5) = machine.command(Self.parse("TOP 1 5")) else {
            Issue.record("expected retrieve")
            return
        }
        #expect(top.message.uid == 10)
    }

    @Test func quitCommitsMarkedMessagesOnly() {
        var machine = Self.loggedIn()
        _ = machine.command(Self.parse("DELE 1"))
        _ = machine.command(Self.parse("DELE 3"))
        #expect(machine.command(Self.parse("QUIT")) == .commit(mailboxID: 9, uids: [10, 12]))
        #expect(machine.committed(succeeded: true) == .replyAndClose(.ok("pop.test POP3 server signing off (1 messages left)")))
    }

    @Test func quitWithoutDeletionsOrFailedCommit() {
        var clean = Self.loggedIn()
        #expect(clean.command(Self.parse("QUIT")) == .replyAndClose(.ok("pop.test POP3 server signing off (3 messages left)")))
        var failing = Self.loggedIn()
        _ = failing.command(Self.parse("DELE 1"))
        _ = failing.command(Self.parse("QUIT"))
        #expect(failing.committed(succeeded: false) == .replyAndClose(.err("some deleted messages not removed", code: .sysTemp)))
    }

    @Test func timeoutAndShutdownCloseWithoutCommitting() {
        var machine = Self.loggedIn()
        _ = machine.command(Self.parse("DELE 1"))
        guard case .replyAndClose(let response) = machine.timedOut() else {
            Issue.record("expected close")
            return
        }
        #expect(!response.ok)
        var other = Self.loggedIn()
        #expect(other.shutdown() == .replyAndClose(.err("pop.test shutting down", code: .sysTemp)))
    }

    @Test func tooManyErrorsClose() {
        var machine = Self.machine(maxErrors: 3)
        #expect(Self.reply(&machine, "BOGUS")?.ok == false)
        #expect(machine.lineTooLong() == .reply(.err("line too long")))
        #expect(machine.command(Self.parse("BOGUS")) == .replyAndClose(.err("too many errors, closing connection")))
    }

    @Test func loginCommandsInTransactionAreErrors() {
        var machine = Self.loggedIn()
        for line in ["USER bob", "PASS x", "AUTH PLAIN", "STLS", "UTF8"] {
            #expect(Self.reply(&machine, line) == .err("command not valid in TRANSACTION state"), "\(line)")
        }
    }

    @Test func eventsOutOfOrderAreCallerBugs() {
        var machine = Self.machine()
        #expect(machine.loginFinished(.badCredentials) == .replyAndClose(.err("internal error", code: .sysTemp)))
        var other = Self.loggedIn()
        #expect(other.committed(succeeded: true) == .replyAndClose(.err("internal error", code: .sysTemp)))
    }

    @Test func quitInAuthorizationDoesNotCommit() {
        var machine = Self.machine()
        #expect(machine.command(Self.parse("QUIT")) == .replyAndClose(.ok("pop.test POP3 server signing off")))
    }
}
