import Foundation
import Testing
import Sieve

/// variables, imap4flags, body, date/index, include, duplicate, environment, editheader, mailbox, ihave.
struct SieveExtensionTests {
    private func mailbox(_ source: String, message: String = Fixtures.simpleMessage,
                         context: FakeContext = FakeContext()) -> String? {
        let result = run(source, message: message, context: context)
        for action in result.actions {
            if case .fileinto(let name, _, _, _) = action { return name }
        }
        return result.errors.isEmpty ? nil : "error: \(result.errors)"
    }

    // MARK: variables (RFC 5229)

    @Test(arguments: [
        ("set \"a\" \"x\"; fileinto \"${a}-${A}-${unset}\";", "x-x-"),
        ("set \"company\" \"ACME\"; fileinto \"${BAD${Company}\";", "${BADACME"),
        ("set \"company\" \"ACME\"; fileinto \"${President, ${Company} Inc.}\";", "${President, ACME Inc.}"),
        ("fileinto \"&%${}!${doh!}\";", "&%${}!${doh!}"),
        ("set :upper \"a\" \"hello\"; fileinto \"${a}\";", "HELLO"),
        ("set :lower :upperfirst \"a\" \"hELLO\"; fileinto \"${a}\";", "Hello"),
        ("set :length \"a\" \"héllo\"; fileinto \"${a}\";", "5"),
        ("set :quotewildcard \"a\" \"a*b?c\\\\\"; fileinto \"${a}\";", "a\\*b\\?c\\\\"),
        ("if header :matches \"subject\" \"make * *\" { fileinto \"${1}|${2}|${0}\"; }", "money|fast|Make money fast"),
        ("if address :matches \"from\" \"*@*\" { fileinto \"${2}/${1}\"; }", "example.org/alice"),
        ("if header :matches \"subject\" \"*a*\" { fileinto \"[${1}][${2}]\"; }", "[M][ke money fast]"),
        ("if header :matches \"subject\" \"?ake*\" { fileinto \"${1}${2}\"; }", "M money fast"),
        ("if header :matches \"subject\" \"nope*\" { fileinto \"x\"; } else { fileinto \"${1}.\"; }", "."),
        ("set \"a\" \"1\"; if string :is \"${a}\" \"1\" { fileinto \"yes\"; }", "yes"),
        ("if string :count \"eq\" [\"a\", \"\", \"b\"] \"2\" { fileinto \"two\"; }", "two"),
    ])
    func variables(source: String, expected: String) {
        let script = "require [\"variables\", \"fileinto\", \"relational\"];\n" + source
        #expect(mailbox(script) == expected, "\(source)")
    }

    // MARK: imap4flags (RFC 5232)

    @Test func flagsOnKeepFileintoAndImplicitKeep() {
        let result = run("""
            require ["imap4flags", "fileinto", "variables"];
            setflag "\\\\Seen";
            addflag ["$Work", "\\\\seen \\\\Flagged"];
            removeflag "\\\\Flagged";
            fileinto "a";
            fileinto :flags "x y x" "b";
            addflag "MyVar" "Big";
            addflag "MyVar" "Small";
            removeflag "MyVar" "Big";
            if hasflag :is "MyVar" "small" { fileinto :flags "${MyVar}" "c"; }
            if hasflag :contains "\\\\See" { keep; }
            """)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.actions == [
            .fileinto(mailbox: "a", flags: ["\\Seen", "$Work"], create: false, copy: false),
            .fileinto(mailbox: "b", flags: ["x", "y"], create: false, copy: false),
            .fileinto(mailbox: "c", flags: ["Small"], create: false, copy: false),
            .keep(flags: ["\\Seen", "$Work"], implicit: false),
        ])
    }

    @Test func implicitKeepCarriesInternalFlags() {
        let result = run("require \"imap4flags\"; addflag \"\\\\Seen\";")
        #expect(result.actions == [.keep(flags: ["\\Seen"], implicit: true)])
    }

    // MARK: body (RFC 5173)

    @Test(arguments: [
        ("body :contains \"missile\"", true),
        ("body :contains \"r\u{E9}ady\"", true),                       // QP + UTF-8 decoded
        ("body :text :contains \"Project schedule\"", true),           // base64 HTML part
        ("body :content \"text/html\" :contains \"schedule\"", true),
        ("body :content \"text/html\" :contains \"missile\"", false),
        ("body :content \"audio/mp3\" :contains \"\"", true),
        ("body :content \"image\" :contains \"\"", false),
        ("body :raw :contains \"r=C3=A9ady\"", true),
        ("body :raw :contains \"Project schedule\"", false),           // raw is not decoded
        ("body :raw :contains \"preamble\"", true),
        ("body :matches \"*coordinates*\"", true),
    ])
    func body(test: String, expected: Bool) {
        #expect(holds(test, requires: ["body"], message: Fixtures.multipartMessage) == expected, "\(test)")
    }

    // MARK: date and index (RFC 5260)

    @Test(arguments: [
        ("date :is \"date\" \"year\" \"2023\"", true),
        ("date :is \"date\" \"date\" \"2023-11-14\"", true),
        ("date :is :originalzone \"date\" \"hour\" \"09\"", true),
        ("date :is \"date\" \"hour\" \"08\"", true),                   // context zone is UTC
        ("date :is :zone \"+0200\" \"date\" \"time\" \"10:30:00\"", true),
        ("date :is :originalzone \"date\" \"zone\" \"+0100\"", true),
        ("date :is \"date\" \"weekday\" \"2\"", true),                 // a Tuesday
        ("date :is \"date\" \"julian\" \"60262\"", true),
        ("date :is :originalzone \"date\" \"iso8601\" \"2023-11-14T09:30:00+01:00\"", true),
        ("date :is :originalzone \"date\" \"std11\" \"Tue, 14 Nov 2023 09:30:00 +0100\"", true),
        ("date :value \"ge\" :originalzone \"date\" \"hour\" \"09\"", true),
        ("date :is \"x-missing\" \"year\" \"2023\"", false),
        ("date :is \"received\" \"time\" \"10:00:00\"", true),       // date after the ';'
        ("date :is \"subject\" \"year\" \"2023\"", false),          // no date in the field
        ("currentdate :is \"date\" \"2023-11-14\"", true),
        ("currentdate :zone \"+0200\" :is \"date\" \"2023-11-15\"", true),
        ("currentdate :value \"ge\" \"hour\" \"22\"", true),
        ("header :index 1 :contains \"received\" \"mx.example.org\"", true),
        ("header :index 2 \"received\" \"\"", false),
        ("address :index 1 :last :is \"to\" \"carol@example.net\"", true),
    ])
    func dates(test: String, expected: Bool) {
        #expect(holds(test, requires: ["date", "relational", "index"]) == expected, "\(test)")
    }

    // MARK: include (RFC 6609)

    private func script(_ source: String) -> SieveScript? {
        try? compile(source).get()
    }

    @Test func includeRunsPersonalAndGlobalScriptsWithGlobalVariables() throws {
        var context = FakeContext()
        context.scripts["personal:subject_tests"] = script("""
            require ["include", "variables"];
            global ["test", "test_mailbox"];
            if header :contains "Subject" "${test}" { set "test_mailbox" "spam-${test}"; }
            """)
        context.scripts["global:spam"] = script("require \"fileinto\"; fileinto \"global-spam\";")
        let result = run("""
            require ["fileinto", "include", "variables", "relational"];
            global "test";
            global "test_mailbox";
            set "test" "$$";
            include "subject_tests";
            set "test" "Make money";
            include "subject_tests";
            include :global "spam";
            if string :count "eq" "${test_mailbox}" "1" { fileinto "${test_mailbox}"; stop; }
            """, context: context)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(explicitActions(result) == [
            .fileinto(mailbox: "global-spam", flags: [], create: false, copy: false),
            .fileinto(mailbox: "spam-Make money", flags: [], create: false, copy: false),
        ])
    }

    @Test func includeReturnStopOnceAndOptional() {
        var context = FakeContext()
        context.scripts["personal:ret"] = script("require \"include\"; return; discard;")
        context.scripts["personal:stopper"] = script("stop;")
        context.scripts["personal:counter"] = script("require \"fileinto\"; fileinto \"counted\";")
        let returned = run("require \"include\"; include \"ret\"; keep;", context: context)
        #expect(explicitActions(returned) == [.keep(flags: [], implicit: false)])
        let stopped = run("require \"include\"; include \"stopper\"; discard;", context: context)
        #expect(explicitActions(stopped) == [])
        #expect(stopped.implicitKeep)
        let optional = run("require \"include\"; include :optional \"missing\"; discard;", context: context)
        #expect(explicitActions(optional) == [.discard])
        let missing = run("require \"include\"; include \"missing\";", context: context)
        #expect(missing.errors.map(\.description) == ["1:20: included script 'missing' (personal) does not exist"])
        let once = run("require \"include\"; include :once \"counter\"; include :once \"counter\";", context: context)
        #expect(once.errors.isEmpty)
    }

    @Test func includeLoopTerminatesWithError() {
        var context = FakeContext()
        context.scripts["personal:loop"] = script("require \"include\"; include \"loop\";")
        context.scripts["personal:a"] = script("require \"include\"; include \"b\";")
        context.scripts["personal:b"] = script("require \"include\"; include \"a\";")
        let start = Date()
        let looped = run("require \"include\"; include \"loop\";", context: context)
        #expect(looped.errors.first?.message == "include loop: 'loop' is already being run")
        #expect(looped.actions == [.keep(flags: [], implicit: true)])
        let mutual = run("require \"include\"; include \"a\";", context: context)
        #expect(mutual.errors.first?.message.hasPrefix("include loop") == true)
        #expect(Date().timeIntervalSince(start) < 2)
    }

    @Test func includeDepthIsBounded() {
        var context = FakeContext()
        for level in 0..<10 {
            context.scripts["personal:s\(level)"] = script("require \"include\"; include \"s\(level + 1)\";")
        }
        context.scripts["personal:s10"] = script("keep;")
        let result = run("require \"include\"; include \"s0\";", context: context)
        #expect(result.errors.first?.message == "includes are nested deeper than 5")
    }

    // MARK: duplicate (RFC 7352)

    @Test func duplicateAsksContextAndReportsRecords() {
        var context = FakeContext()
        let fresh = run("require \"duplicate\"; if duplicate { discard; }", context: context)
        #expect(explicitActions(fresh) == [])
        #expect(fresh.duplicateRecords == [SieveDuplicateKey(handle: "", uniqueID: "<1234@example.org>",
                                                            period: 7 * 86_400, fromLast: false)])
        context.seenDuplicates = ["|<1234@example.org>", "h|ALERT"]
        #expect(explicitActions(run("require \"duplicate\"; if duplicate { discard; }", context: context)) == [.discard])
        let custom = run("""
            require ["duplicate", "variables"];
            if header :matches "subject" "Make *" {
              if duplicate :handle "h" :seconds 60 :last :uniqueid "ALERT" { discard; }
            }
            """, context: context)
        #expect(explicitActions(custom) == [.discard])
        #expect(custom.duplicateRecords == [SieveDuplicateKey(handle: "h", uniqueID: "ALERT", period: 60, fromLast: true)])
        #expect(explicitActions(run("require \"duplicate\"; if duplicate :header \"X-None\" { discard; }",
                                    context: context)) == [])
    }

    // MARK: environment (RFC 5183), mailbox (RFC 5490), ihave (RFC 5463)

    @Test func environmentMailboxAndIhave() {
        let environment = ["domain": "example.com", "remote-host": "mx.example.net"]
        #expect(holds("environment :is \"domain\" \"example.com\"", requires: ["environment"],
                      environment: environment) == true)
        #expect(holds("environment :matches \"remote-host\" \"*.example.net\"", requires: ["environment"],
                      environment: environment) == true)
        #expect(holds("environment :contains \"location\" \"\"", requires: ["environment"]) == false)
        #expect(holds("environment :is \"name\" \"Facteur\"", requires: ["environment"]) == true)
        var context = FakeContext()
        context.mailboxes = ["INBOX", "Partners"]
        #expect(holds("mailboxexists [\"Partners\", \"INBOX\"]", requires: ["mailbox"], context: context) == true)
        #expect(holds("mailboxexists \"Nope\"", requires: ["mailbox"], context: context) == false)
        #expect(holds("ihave [\"body\", \"date\"]", requires: ["ihave"]) == true)
        #expect(holds("ihave \"vnd.nonsense\"", requires: ["ihave"]) == false)
        let created = run("require [\"fileinto\", \"mailbox\"]; fileinto :create \"New\";")
        #expect(created.actions.first == .fileinto(mailbox: "New", flags: [], create: true, copy: false))
    }

    // MARK: editheader (RFC 5293)

    @Test func editheaderChangesWhatLaterTestsSee() {
        let result = run("""
            require ["editheader", "fileinto", "index"];
            addheader "X-Sieve" "one";
            addheader :last "X-Sieve" "two";
            deleteheader "Received";
            deleteheader "Auto-Submitted";
            addheader "Received" "forged";
            deleteheader :contains "x-priority" "2";
            if header :index 1 :is "x-sieve" "one" { fileinto "first-ok"; }
            if header :index 1 :last :is "x-sieve" "two" { fileinto "last-ok"; }
            if not exists "x-priority" { fileinto "deleted-ok"; }
            if header :is "received" "forged" { fileinto "forged"; }
            deleteheader :index 1 :last "X-Sieve";
            if not header :is "x-sieve" "two" { fileinto "index-ok"; }
            """)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(explicitActions(result) == [
            .addHeader(name: "X-Sieve", value: "one", last: false),
            .addHeader(name: "X-Sieve", value: "two", last: true),
            .deleteHeader(name: "x-priority", occurrence: 1),
            .fileinto(mailbox: "first-ok", flags: [], create: false, copy: false),
            .fileinto(mailbox: "last-ok", flags: [], create: false, copy: false),
            .fileinto(mailbox: "deleted-ok", flags: [], create: false, copy: false),
            .deleteHeader(name: "X-Sieve", occurrence: 2),
            .fileinto(mailbox: "index-ok", flags: [], create: false, copy: false),
        ])
    }

    @Test func addheaderEncodesNonASCIIForWritingButTestsSeeText() {
        let result = run("""
            require ["editheader", "fileinto"];
            addheader "X-Note" "café";
            if header :is "x-note" "café" { fileinto "seen"; }
            """)
        #expect(explicitActions(result) == [
            .addHeader(name: "X-Note", value: "=?UTF-8?B?Y2Fmw6k=?=", last: false),
            .fileinto(mailbox: "seen", flags: [], create: false, copy: false),
        ])
    }

    @Test func addheaderStripsLineBreaks() {
        let result = run("require [\"editheader\"]; addheader \"X-A\" text:\nline1\nBcc: evil@example.com\n.\n;")
        #expect(result.actions.first == .addHeader(name: "X-A", value: "line1Bcc: evil@example.com", last: false))
    }
}
