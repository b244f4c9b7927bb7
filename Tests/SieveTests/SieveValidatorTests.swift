import Testing
import Sieve

/// require, signatures, tag rules, if/elsif/else structure, and error collection.
struct SieveValidatorTests {
    @Test(arguments: [
        ("fileinto \"x\";", "1:1: command 'fileinto' needs the \"fileinto\" extension: add require \"fileinto\";"),
        ("require \"nosuch\";", "1:9: unsupported extension 'nosuch' in require"),
        ("keep;\nrequire \"fileinto\";", "2:1: 'require' must come before any other command"),
        ("if true { require \"fileinto\"; }", "1:11: 'require' must come before any other command"),
        ("frobnicate;", "1:1: unknown command 'frobnicate'"),
        ("if frob { }", "1:4: unknown test 'frob'"),
        ("if keep { }", "1:4: unknown test 'keep' ('keep' is a command)"),
        ("header \"a\" \"b\";", "1:1: unknown command 'header' ('header' is a test)"),
        ("else { }", "1:1: 'else' must follow 'if' or 'elsif'"),
        ("if true {} keep; elsif true {}", "1:18: 'elsif' must follow 'if' or 'elsif'"),
        ("if true;", "1:8: expected '{' to start the block of command 'if'"),
        ("keep {}", "1:5: expected ';' after command 'keep' (it takes no block)"),
        ("if { }", "1:3: command 'if' needs a test"),
        ("stop 1;", "1:6: too many arguments for command 'stop' (expects no arguments)"),
        ("require \"fileinto\"; fileinto;", "1:21: missing arguments for command 'fileinto' (expects mailbox name)"),
        ("require \"fileinto\"; fileinto [\"a\", \"b\"];",
         "1:30: command 'fileinto' expects a string (mailbox name) here"),
        ("if header :is :contains \"a\" \"b\" {}", "1:15: tags ':is' and ':contains' cannot be used together in test 'header'"),
        ("if header :is :is \"a\" \"b\" {}", "1:15: tag ':is' is given twice in test 'header'"),
        ("if header :frob \"a\" \"b\" {}", "1:11: unknown tag ':frob' for test 'header'"),
        ("if header \"a\" :is \"b\" {}", "1:15: tag ':is' must come before the positional arguments of test 'header'"),
        ("if header :comparator \"i;klingon\" \"a\" \"b\" {}", "1:4: unknown comparator 'i;klingon' in test 'header'"),
        ("if header :comparator 12 \"a\" \"b\" {}",
         "1:23: tag ':comparator' of test 'header' expects a string (comparator name)"),
        ("if address :user \"to\" \"a\" {}",
         "1:12: tag ':user' needs the \"subaddress\" extension: add require \"subaddress\";"),
        ("if header :count \"gt\" \"a\" \"1\" {}",
         "1:11: tag ':count' needs the \"relational\" extension: add require \"relational\";"),
        ("require \"relational\"; if header :count \"big\" \"a\" \"1\" {}",
         "1:26: unknown relational operator 'big' (use gt, ge, lt, le, eq or ne)"),
        ("if header :comparator \"i;ascii-numeric\" \"a\" \"1\" {}",
         "1:4: comparator 'i;ascii-numeric' needs require \"comparator-i;ascii-numeric\";"),
        ("require \"comparator-i;ascii-numeric\"; if header :contains :comparator \"i;ascii-numeric\" \"a\" \"1\" {}",
         "1:42: comparator 'i;ascii-numeric' cannot be used with :contains or :matches"),
        ("if size 100 {}", "1:4: test 'size' needs ':over' or ':under'"),
        ("if size :over :under 1 {}", "1:15: tags ':over' and ':under' cannot be used together in test 'size'"),
        ("if not (true) {}", "1:9: test 'not' takes a single test, not a test list in '( … )'"),
        ("if allof true {}", "1:4: test 'allof' needs a test list in '( … )'"),
        ("require \"envelope\"; if envelope \"cc\" \"x\" {}", "1:24: unknown envelope part 'cc' (use \"from\" or \"to\")"),
        ("redirect \"not an address\";", "1:1: redirect needs a valid e-mail address, not 'not an address'"),
        ("require \"variables\"; set \"1bad\" \"x\";", "1:22: invalid variable name '1bad'"),
        ("require \"variables\"; set :lower :upper \"a\" \"x\";",
         "1:22: modifiers ':lower' and ':upper' cannot be used together"),
        ("require \"date\"; if currentdate \"fortnight\" \"1\" {}", "1:20: unknown date part 'fortnight'"),
        ("require \"date\"; if currentdate :zone \"CET\" \"hour\" \"1\" {}",
         "1:20: invalid time zone 'CET' (use the form +hhmm or -hhmm)"),
        ("require \"editheader\"; addheader \"Bad Name\" \"x\";", "1:23: invalid header field name 'Bad Name'"),
        ("require \"editheader\"; deleteheader :last \"X\";", "1:23: ':last' needs ':index' in command 'deleteheader'"),
        ("require \"index\"; if header :index 0 \"a\" \"b\" {}", "1:21: ':index' must be 1 or more"),
        ("require \"vacation\"; vacation :days 1 :seconds 5 \"x\";",
         "1:38: tag ':seconds' needs the \"vacation-seconds\" extension: add require \"vacation-seconds\";"),
        ("require \"vacation-seconds\"; vacation :days 1 :seconds 5 \"x\";",
         "1:46: tags ':days' and ':seconds' cannot be used together in command 'vacation'"),
        ("require \"fileinto\"; fileinto :create \"x\";",
         "1:30: tag ':create' needs the \"mailbox\" extension: add require \"mailbox\";"),
        ("require \"include\"; include \"../x\";", "1:20: invalid script name '../x' in include"),
        ("require [\"encoded-character\"]; keep :flags \"${unicode:110000}\";",
         "1:44: invalid Unicode code point '110000' in ${unicode:…}"),
    ])
    func rejects(source: String, expected: String) {
        #expect(errors(source).first == expected)
    }

    @Test func reportsManyErrorsNotJustTheFirst() {
        let found = errors("""
            require "nosuch";
            frob;
            if header :bogus "a" "b" { fileinto "x"; }
            else { stop; }
            elsif true { keep; }
            """)
        #expect(found == [
            "1:9: unsupported extension 'nosuch' in require",
            "2:1: unknown command 'frob'",
            "3:11: unknown tag ':bogus' for test 'header'",
            "3:28: command 'fileinto' needs the \"fileinto\" extension: add require \"fileinto\";",
            "5:1: 'elsif' must follow 'if' or 'elsif'",
        ])
    }

    @Test func errorCountIsBounded() {
        let source = String(repeating: "frob;\n", count: 500)
        #expect(errors(source).count == SieveLimits.default.maximumErrors)
    }

    @Test func extensionsTheServerLacksAreUnknown() {
        #expect(errors("require \"fileinto\";", extensions: [.envelope]) == ["1:9: unsupported extension 'fileinto' in require"])
        #expect(errors("if body :raw \"x\" {}", extensions: [.envelope]) == ["1:4: unknown test 'body'"])
    }

    @Test func ihaveBlockForMissingExtensionIsNotValidated() {
        #expect(errors("require \"ihave\"; if ihave \"nosuch\" { nosuch :x; }") == [])
        // A known extension inside ihave may be used without require.
        #expect(errors("require \"ihave\"; if ihave \"fileinto\" { fileinto \"x\"; }") == [])
        #expect(errors("require \"ihave\"; if true { fileinto \"x\"; }").count == 1)
    }

    @Test func capabilityStringListsExtensions() {
        let text = SieveExtension.capabilityString([.fileinto, .body, .envelope])
        #expect(text == "body envelope fileinto")
    }

    @Test func encodedCharacterOnlyWhenRequired() throws {
        let withExtension = run("""
            require ["encoded-character", "fileinto"];
            fileinto "${hex:41 42}${unicode:263A}";
            """)
        #expect(withExtension.actions.first == .fileinto(mailbox: "AB\u{263A}", flags: [], create: false, copy: false))
        let without = run("require \"fileinto\"; fileinto \"${hex:41}\";")
        #expect(without.actions.first == .fileinto(mailbox: "${hex:41}", flags: [], create: false, copy: false))
    }
}
