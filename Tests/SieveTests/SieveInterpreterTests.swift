import Testing
import Sieve

/// Base language (RFC 5228): tests, match types, comparators, address parts, actions, implicit keep.
struct SieveInterpreterTests {
    @Test(arguments: [
        // header (RFC 5228 §5.7)
        ("header :is \"subject\" \"make money fast\"", true),
        ("header :is :comparator \"i;octet\" \"subject\" \"make money fast\"", false),
        ("header :contains \"Subject\" \"MONEY\"", true),
        ("header :contains \"X-Missing\" \"\"", false),
        ("header :matches \"subject\" \"make*fast\"", true),
        ("header :matches \"subject\" \"make?money*\"", true),
        ("header :matches \"subject\" \"money*\"", false),
        ("header :is [\"X-Nope\", \"X-Priority\"] [\"1\", \"2\"]", true),
        // address (RFC 5228 §5.1, §2.7.4)
        ("address :is \"from\" \"alice@example.org\"", true),
        ("address :localpart :is \"from\" \"ALICE\"", true),
        ("address :domain :is [\"to\", \"cc\"] \"example.com\"", true),
        ("address :all :is \"to\" \"carol@example.net\"", true),
        ("address :matches \"from\" \"*@example.org\"", true),
        ("address :is \"from\" \"Alice Example <alice@example.org>\"", false),
        // exists, size, boolean tests (RFC 5228 §5.5, §5.9, §5.2-5.3, §5.6, §5.10)
        ("exists [\"From\", \"Date\"]", true),
        ("exists [\"From\", \"X-Nope\"]", false),
        ("size :over 100", true),
        ("size :under 100", false),
        ("size :over 1M", false),
        ("allof (true, header :contains \"subject\" \"money\")", true),
        ("allof (true, false)", false),
        ("anyof (false, false)", false),
        ("anyof (false, true)", true),
        ("not false", true),
    ])
    func baseTests(test: String, expected: Bool) {
        #expect(holds(test) == expected, "\(test)")
    }

    @Test(arguments: [
        ("envelope :is \"from\" \"alice@example.org\"", true),
        ("envelope :domain :is \"to\" \"EXAMPLE.com\"", true),
        ("envelope :localpart :is \"to\" \"bob+lists\"", true),
        ("envelope :user :is \"to\" \"bob\"", true),
        ("envelope :detail :is \"to\" \"lists\"", true),
        ("envelope :detail :is \"from\" \"\"", false),
        ("address :detail :is \"to\" \"lists\"", true),
        ("address :user :is \"to\" \"bob\"", true),
        ("address :detail :matches \"cc\" \"*\"", false),   // no "+": :detail has no value
    ])
    func envelopeAndSubaddress(test: String, expected: Bool) {
        #expect(holds(test, requires: ["envelope", "subaddress"]) == expected, "\(test)")
    }

    @Test func nullReversePathIsEmptyString() {
        let envelope = SieveEnvelope(from: "", to: "bob@example.com")
        #expect(holds("envelope :is \"from\" \"\"", requires: ["envelope"], envelope: envelope) == true)
        #expect(holds("envelope :domain :is \"from\" \"\"", requires: ["envelope"], envelope: envelope) == true)
    }

    @Test func detailSuppliedByDelivery() {
        let envelope = SieveEnvelope(from: "a@b.example", to: "bob@example.com", detail: "shop")
        #expect(holds("envelope :detail :is \"to\" \"shop\"", requires: ["envelope", "subaddress"],
                      envelope: envelope) == true)
    }

    @Test(arguments: [
        ("header :value \"lt\" :comparator \"i;ascii-numeric\" \"x-priority\" \"3\"", true),
        ("header :value \"gt\" :comparator \"i;ascii-numeric\" \"x-spam-score\" \"10\"", false),
        ("header :value \"ge\" :comparator \"i;ascii-numeric\" \"x-spam-score\" \"7\"", true),
        ("address :count \"eq\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] \"3\"", true),
        ("address :count \"gt\" :comparator \"i;ascii-numeric\" \"to\" \"5\"", false),
        ("header :count \"eq\" :comparator \"i;ascii-numeric\" \"received\" \"1\"", true),
        ("header :count \"ne\" :comparator \"i;ascii-numeric\" \"x-none\" \"0\"", false),
        ("address :value \"gt\" :all \"from\" \"M\"", false),
        ("address :value \"lt\" :all \"from\" \"M\"", true),
        // RFC 4790 §9.1: a value with no leading digit is +infinity.
        ("header :value \"gt\" :comparator \"i;ascii-numeric\" \"subject\" \"999999\"", true),
        ("header :is :comparator \"i;ascii-numeric\" \"x-priority\" \"002\"", true),
    ])
    func relational(test: String, expected: Bool) {
        #expect(holds(test, requires: ["relational", "comparator-i;ascii-numeric"]) == expected, "\(test)")
    }

    @Test func implicitKeepWhenNothingElseHappens() {
        let result = run("if false { discard; }")
        #expect(result.actions == [.keep(flags: [], implicit: true)])
        #expect(result.implicitKeep)
        #expect(result.errors.isEmpty)
    }

    @Test(arguments: [
        ("discard;", [SieveAction.discard], false),
        ("require \"fileinto\"; fileinto \"a\";", [.fileinto(mailbox: "a", flags: [], create: false, copy: false)], false),
        ("require [\"fileinto\", \"copy\"]; fileinto :copy \"a\";",
         [.fileinto(mailbox: "a", flags: [], create: false, copy: true)], true),
        ("redirect \"x@example.net\";", [.redirect(address: "x@example.net", copy: false)], false),
        ("require \"copy\"; redirect :copy \"x@example.net\";", [.redirect(address: "x@example.net", copy: true)], true),
        ("keep; keep;", [.keep(flags: [], implicit: false)], false),
        ("require \"fileinto\"; fileinto \"a\"; fileinto \"a\"; fileinto \"b\";",
         [.fileinto(mailbox: "a", flags: [], create: false, copy: false),
          .fileinto(mailbox: "b", flags: [], create: false, copy: false)], false),
        ("redirect \"x@example.net\"; redirect \"x@example.net\";", [.redirect(address: "x@example.net", copy: false)], false),
        ("stop; discard;", [], true),
        ("require \"reject\"; reject \"go away\";", [.reject(reason: "go away", extended: false)], false),
        ("require \"ereject\"; ereject \"no\";", [.reject(reason: "no", extended: true)], false),
        ("if true { discard; } elsif true { keep; } else { keep; }", [.discard], false),
        ("if false { discard; } elsif true { redirect \"a@b.example\"; } else { keep; }",
         [.redirect(address: "a@b.example", copy: false)], false),
        ("if false { discard; } elsif false { keep; } else { discard; }", [.discard], false),
    ])
    func actions(source: String, expected: [SieveAction], implicitKeep: Bool) {
        let result = run(source)
        #expect(result.errors.isEmpty, "\(source): \(result.errors)")
        #expect(explicitActions(result) == expected, "\(source)")
        #expect(result.implicitKeep == implicitKeep, "\(source)")
    }

    /// RFC 5429 §2.4, RFC 5230 §4.7 and the limits: a conflict is a runtime error, and a runtime
    /// error leaves only the implicit keep (RFC 5228 §2.10.6).
    @Test(arguments: [
        ("require [\"reject\"]; keep; reject \"x\";", "1:27: reject cannot be combined with keep, fileinto, redirect or vacation"),
        ("require [\"reject\", \"fileinto\"]; reject \"x\";\nfileinto \"y\";", "2:1: fileinto cannot be used after reject"),
        ("require [\"reject\"]; reject \"x\"; reject \"y\";", "1:33: only one reject is allowed"),
        ("require [\"reject\", \"vacation\"]; vacation \"x\"; reject \"y\";",
         "1:47: reject cannot be combined with keep, fileinto, redirect or vacation"),
        ("require \"vacation\"; vacation \"x\"; vacation :handle \"b\" \"y\";", "1:35: vacation can only be executed once"),
        ("redirect \"a@x.example\"; redirect \"b@x.example\"; redirect \"c@x.example\"; redirect \"d@x.example\"; redirect \"e@x.example\";",
         "1:97: more than 4 redirects"),
        ("require \"ihave\"; error \"custom failure\";", "1:18: script error: custom failure"),
    ])
    func runtimeErrorsFallBackToImplicitKeep(source: String, expected: String) {
        let result = run(source)
        #expect(result.errors.map(\.description) == [expected])
        #expect(result.actions == [.keep(flags: [], implicit: true)])
        #expect(result.implicitKeep)
    }

    @Test func vacationDoesNotCancelImplicitKeep() {
        let result = run("require \"vacation\"; vacation :days 3 :subject \"Away\" :from \"bob@example.com\" \"Back soon\";")
        guard case .vacation(let vacation) = result.actions.first else {
            Issue.record("no vacation action: \(result)")
            return
        }
        #expect(vacation.reason == "Back soon")
        #expect(vacation.subject == "Away")
        #expect(vacation.from == "bob@example.com")
        #expect(vacation.period == 3 * 86_400)
        #expect(vacation.handle.hasPrefix("auto-"))
        #expect(result.implicitKeep)
    }

    @Test func vacationHandleDependsOnArguments() {
        func handle(_ source: String) -> String? {
            if case .vacation(let vacation) = run(source).actions.first { return vacation.handle }
            return nil
        }
        let first = handle("require \"vacation\"; vacation \"a\";")
        #expect(first == handle("require \"vacation\"; vacation \"a\";"))
        #expect(first != handle("require \"vacation\"; vacation :subject \"a\" \"\";"))
        #expect(handle("require \"vacation\"; vacation :handle \"h\" \"a\";") == "h")
        // RFC 6131: seconds, 0 meaning "always reply".
        if case .vacation(let v) = run("require \"vacation-seconds\"; vacation :seconds 0 \"a\";").actions.first {
            #expect(v.period == 0)
        } else {
            Issue.record("no vacation")
        }
    }
}
