import Foundation
import Sieve

/// A context with fixed answers, so interpreter tests need no store or clock.
struct FakeContext: SieveRuntimeContext {
    var mailboxes: Set<String> = ["INBOX"]
    var scripts: [String: SieveScript] = [:]
    var seenDuplicates: Set<String> = []
    var date = Date(timeIntervalSince1970: 1_700_000_000)   // Tue, 14 Nov 2023 22:13:20 UTC
    var zoneOffset = 0

    func mailboxExists(_ name: String) -> Bool { mailboxes.contains(name) }
    func isDuplicate(_ key: SieveDuplicateKey) -> Bool { seenDuplicates.contains(key.handle + "|" + key.uniqueID) }
    func includedScript(named name: String, location: SieveIncludeLocation) -> SieveScript? {
        scripts[location.rawValue + ":" + name]
    }
    func now() -> (date: Date, zoneOffset: Int) { (date, zoneOffset) }
}

enum Fixtures {
    static let simpleMessage = """
        Return-Path: <alice@example.org>
        Received: from mx.example.org by mail.example.com; Tue, 14 Nov 2023 10:00:00 +0000
        From: Alice Example <alice@example.org>
        To: Bob <bob+lists@example.com>, carol@example.net
        Cc: dave@Example.COM
        Subject: Make money fast
        Date: Tue, 14 Nov 2023 09:30:00 +0100
        Message-ID: <1234@example.org>
        X-Priority: 2
        X-Spam-Score: 7

        Hello Bob,
        this is the body.
        """.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"

    static let multipartMessage = """
        From: sender@example.org
        To: bob@example.com
        Subject: parts
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        preamble
        --b1
        Content-Type: text/plain; charset=utf-8
        Content-Transfer-Encoding: quoted-printable

        The missile is r=C3=A9ady at the coordinates.
        --b1
        Content-Type: text/html; charset=utf-8
        Content-Transfer-Encoding: base64

        PHA+UHJvamVjdCBzY2hlZHVsZTwvcD4=
        --b1
        Content-Type: audio/mp3
        Content-Transfer-Encoding: base64

        AAAA
        --b1--
        """.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"

    static let envelope = SieveEnvelope(from: "alice@example.org", to: "bob+lists@example.com")
}

func compile(_ source: String, extensions: Set<SieveExtension> = Set(SieveExtension.allCases),
             limits: SieveLimits = .default) -> Result<SieveScript, SieveErrors> {
    SieveCompiler.compile(source, options: SieveCompiler.Options(extensions: extensions, limits: limits))
}

/// Compile errors as "line:column: message" strings (empty when the script compiles).
func errors(_ source: String, extensions: Set<SieveExtension> = Set(SieveExtension.allCases)) -> [String] {
    switch compile(source, extensions: extensions) {
    case .success: []
    case .failure(let failure): failure.errors.map(\.description)
    }
}

/// Compiles (the script must be valid) and runs on `message`.
func run(_ source: String, message: String = Fixtures.simpleMessage, envelope: SieveEnvelope = Fixtures.envelope,
         context: FakeContext = FakeContext(), environment: [String: String] = [:],
         limits: SieveLimits = .default) -> SieveResult {
    switch compile(source, limits: limits) {
    case .success(let script):
        return SieveInterpreter.run(script, message: SieveMessage(bytes: Array(message.utf8)), envelope: envelope,
                                    options: SieveInterpreter.Options(environment: environment), context: context)
    case .failure(let failure):
        return SieveResult(actions: [], errors: failure.errors, implicitKeep: false)
    }
}

/// The explicit actions of a run, without the implicit keep, for compact expectations.
func explicitActions(_ result: SieveResult) -> [SieveAction] {
    result.actions.filter { if case .keep(_, true) = $0 { false } else { true } }
}

/// Whether `if <test>` holds for the message: runs `if TEST { fileinto "yes"; }`.
func holds(_ test: String, requires: [String] = [], message: String = Fixtures.simpleMessage,
           envelope: SieveEnvelope = Fixtures.envelope, context: FakeContext = FakeContext(),
           environment: [String: String] = [:]) -> Bool? {
    let list = (["fileinto"] + requires).map { "\"\($0)\"" }.joined(separator: ", ")
    let result = run("require [\(list)];\nif \(test) { fileinto \"yes\"; }\n", message: message, envelope: envelope,
                     context: context, environment: environment)
    guard result.errors.isEmpty else { return nil }
    return result.actions.contains(.fileinto(mailbox: "yes", flags: [], create: false, copy: false))
}
