/// What one command or test accepts (RFC 5228 §2.6 and each extension's syntax line). The validator
/// checks invocations against these tables instead of hand-writing a checker per command.
struct SieveSignature: Sendable {
    enum Kind: Sendable { case command, test }

    enum ArgumentKind: Sendable, Equatable {
        case string, stringList, number

        var displayName: String {
            switch self {
            case .string: "a string"
            case .stringList: "a string list"
            case .number: "a number"
            }
        }
    }

    struct Positional: Sendable {
        var kind: ArgumentKind
        var name: String
    }

    struct Tag: Sendable {
        var name: String
        var parameter: Positional?
        var requires: SieveExtension?
        /// Tags of one group exclude each other (RFC 5228 §2.6: conflicting arguments are an error).
        var group: String?

        init(_ name: String, _ parameter: Positional? = nil, requires: SieveExtension? = nil, group: String? = nil) {
            self.name = name
            self.parameter = parameter
            self.requires = requires
            self.group = group
        }
    }

    enum Tests: Sendable { case none, one, list }

    var name: String
    var kind: Kind
    var requires: SieveExtension?
    var tags: [Tag]
    /// Accepted positional forms, shortest first (a few commands have an optional first positional).
    var positional: [[Positional]]
    var tests: Tests = .none
    var takesBlock = false

    static let comparatorTags: [Tag] = [
        Tag("comparator", Positional(kind: .string, name: "comparator name")),
        Tag("is", group: "match"), Tag("contains", group: "match"), Tag("matches", group: "match"),
        Tag("count", Positional(kind: .string, name: "relational operator"), requires: .relational, group: "match"),
        Tag("value", Positional(kind: .string, name: "relational operator"), requires: .relational, group: "match"),
    ]
    static let addressPartTags: [Tag] = [
        Tag("all", group: "address-part"), Tag("localpart", group: "address-part"),
        Tag("domain", group: "address-part"),
        Tag("user", requires: .subaddress, group: "address-part"),
        Tag("detail", requires: .subaddress, group: "address-part"),
    ]
    // RFC 5260 §6: :index and :last on header, address and date.
    static let indexTags: [Tag] = [
        Tag("index", Positional(kind: .number, name: "field index"), requires: .index),
        Tag("last", requires: .index),
    ]
    static let zoneTags: [Tag] = [
        Tag("zone", Positional(kind: .string, name: "time zone"), group: "zone"),
        Tag("originalzone", group: "zone"),
    ]

    static func positional(_ pairs: (ArgumentKind, String)...) -> [Positional] {
        pairs.map { Positional(kind: $0.0, name: $0.1) }
    }

    static let commands: [String: SieveSignature] = {
        let list: [SieveSignature] = [
            SieveSignature(name: "require", kind: .command, tags: [],
                           positional: [positional((.stringList, "capability list"))]),
            SieveSignature(name: "if", kind: .command, tags: [], positional: [[]], tests: .one, takesBlock: true),
            SieveSignature(name: "elsif", kind: .command, tags: [], positional: [[]], tests: .one, takesBlock: true),
            SieveSignature(name: "else", kind: .command, tags: [], positional: [[]], takesBlock: true),
            SieveSignature(name: "stop", kind: .command, tags: [], positional: [[]]),
            SieveSignature(name: "keep", kind: .command,
                           tags: [Tag("flags", Positional(kind: .stringList, name: "flag list"), requires: .imap4flags)],
                           positional: [[]]),
            SieveSignature(name: "discard", kind: .command, tags: [], positional: [[]]),
            SieveSignature(name: "fileinto", kind: .command, requires: .fileinto,
                           tags: [Tag("copy", requires: .copy),
                                  Tag("flags", Positional(kind: .stringList, name: "flag list"), requires: .imap4flags),
                                  Tag("create", requires: .mailbox)],
                           positional: [positional((.string, "mailbox name"))]),
            SieveSignature(name: "redirect", kind: .command, tags: [Tag("copy", requires: .copy)],
                           positional: [positional((.string, "address"))]),
            SieveSignature(name: "reject", kind: .command, requires: .reject, tags: [],
                           positional: [positional((.string, "reason"))]),
            SieveSignature(name: "ereject", kind: .command, requires: .ereject, tags: [],
                           positional: [positional((.string, "reason"))]),
            SieveSignature(name: "setflag", kind: .command, requires: .imap4flags, tags: [],
                           positional: [positional((.stringList, "flag list")),
                                        positional((.string, "variable name"), (.stringList, "flag list"))]),
            SieveSignature(name: "addflag", kind: .command, requires: .imap4flags, tags: [],
                           positional: [positional((.stringList, "flag list")),
                                        positional((.string, "variable name"), (.stringList, "flag list"))]),
            SieveSignature(name: "removeflag", kind: .command, requires: .imap4flags, tags: [],
                           positional: [positional((.stringList, "flag list")),
                                        positional((.string, "variable name"), (.stringList, "flag list"))]),
            // RFC 5229 §4: set [MODIFIER] <name: string> <value: string>
            SieveSignature(name: "set", kind: .command, requires: .variables,
                           tags: ["lower", "upper", "lowerfirst", "upperfirst", "quotewildcard", "length"]
                               .map { Tag($0) },
                           positional: [positional((.string, "variable name"), (.string, "value"))]),
            // RFC 5230 §4 and RFC 6131 §2
            SieveSignature(name: "vacation", kind: .command, requires: .vacation,
                           tags: [Tag("days", Positional(kind: .number, name: "number of days"), group: "period"),
                                  Tag("seconds", Positional(kind: .number, name: "number of seconds"),
                                      requires: .vacationSeconds, group: "period"),
                                  Tag("subject", Positional(kind: .string, name: "subject")),
                                  Tag("from", Positional(kind: .string, name: "from address")),
                                  Tag("addresses", Positional(kind: .stringList, name: "address list")),
                                  Tag("mime"),
                                  Tag("handle", Positional(kind: .string, name: "handle"))],
                           positional: [positional((.string, "reason"))]),
            // RFC 6609 §3.2-3.4
            SieveSignature(name: "include", kind: .command, requires: .include,
                           tags: [Tag("personal", group: "location"), Tag("global", group: "location"),
                                  Tag("once"), Tag("optional")],
                           positional: [positional((.string, "script name"))]),
            SieveSignature(name: "return", kind: .command, requires: .include, tags: [], positional: [[]]),
            SieveSignature(name: "global", kind: .command, requires: .include, tags: [],
                           positional: [positional((.stringList, "variable names"))]),
            // RFC 5293 §4-5
            SieveSignature(name: "addheader", kind: .command, requires: .editheader, tags: [Tag("last")],
                           positional: [positional((.string, "field name"), (.string, "value"))]),
            SieveSignature(name: "deleteheader", kind: .command, requires: .editheader,
                           tags: comparatorTags + [Tag("index", Positional(kind: .number, name: "field index")),
                                                   Tag("last")],
                           positional: [positional((.string, "field name")),
                                        positional((.string, "field name"), (.stringList, "value patterns"))]),
            // RFC 5463 §5
            SieveSignature(name: "error", kind: .command, requires: .ihave, tags: [],
                           positional: [positional((.string, "message"))]),
        ] + testsuiteCommands
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()

    static let tests: [String: SieveSignature] = {
        let match = comparatorTags
        let list: [SieveSignature] = [
            SieveSignature(name: "address", kind: .test, tags: match + addressPartTags + indexTags,
                           positional: [positional((.stringList, "header list"), (.stringList, "key list"))]),
            SieveSignature(name: "envelope", kind: .test, requires: .envelope, tags: match + addressPartTags,
                           positional: [positional((.stringList, "envelope part"), (.stringList, "key list"))]),
            SieveSignature(name: "header", kind: .test, tags: match + indexTags,
                           positional: [positional((.stringList, "header names"), (.stringList, "key list"))]),
            SieveSignature(name: "exists", kind: .test, tags: [],
                           positional: [positional((.stringList, "header names"))]),
            SieveSignature(name: "size", kind: .test,
                           tags: [Tag("over", group: "size"), Tag("under", group: "size")],
                           positional: [positional((.number, "size limit"))]),
            SieveSignature(name: "allof", kind: .test, tags: [], positional: [[]], tests: .list),
            SieveSignature(name: "anyof", kind: .test, tags: [], positional: [[]], tests: .list),
            SieveSignature(name: "not", kind: .test, tags: [], positional: [[]], tests: .one),
            SieveSignature(name: "true", kind: .test, tags: [], positional: [[]]),
            SieveSignature(name: "false", kind: .test, tags: [], positional: [[]]),
            SieveSignature(name: "hasflag", kind: .test, requires: .imap4flags, tags: match,
                           positional: [positional((.stringList, "flag list")),
                                        positional((.stringList, "variable list"), (.stringList, "flag list"))]),
            SieveSignature(name: "string", kind: .test, requires: .variables, tags: match,
                           positional: [positional((.stringList, "source"), (.stringList, "key list"))]),
            // RFC 5173 §4: body [COMPARATOR] [MATCH-TYPE] [BODY-TRANSFORM] <key-list>
            SieveSignature(name: "body", kind: .test, requires: .body,
                           tags: match + [Tag("raw", group: "transform"), Tag("text", group: "transform"),
                                          Tag("content", Positional(kind: .stringList, name: "content types"),
                                              group: "transform")],
                           positional: [positional((.stringList, "key list"))]),
            // RFC 5260 §4-5
            SieveSignature(name: "date", kind: .test, requires: .date, tags: match + zoneTags + indexTags,
                           positional: [positional((.string, "header name"), (.string, "date part"),
                                                   (.stringList, "key list"))]),
            SieveSignature(name: "currentdate", kind: .test, requires: .date,
                           tags: match + [Tag("zone", Positional(kind: .string, name: "time zone"))],
                           positional: [positional((.string, "date part"), (.stringList, "key list"))]),
            // RFC 7352 §3 (with :seconds from §3.2)
            SieveSignature(name: "duplicate", kind: .test, requires: .duplicate,
                           tags: [Tag("handle", Positional(kind: .string, name: "handle")),
                                  Tag("header", Positional(kind: .string, name: "header name"), group: "id"),
                                  Tag("uniqueid", Positional(kind: .string, name: "unique id"), group: "id"),
                                  Tag("seconds", Positional(kind: .number, name: "period")),
                                  Tag("last")],
                           positional: [[]]),
            SieveSignature(name: "environment", kind: .test, requires: .environment, tags: match,
                           positional: [positional((.string, "item name"), (.stringList, "key list"))]),
            SieveSignature(name: "ihave", kind: .test, requires: .ihave, tags: [],
                           positional: [positional((.stringList, "capabilities"))]),
            SieveSignature(name: "mailboxexists", kind: .test, requires: .mailbox, tags: [],
                           positional: [positional((.stringList, "mailbox names"))]),
        ] + testsuiteTests
        return Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0) })
    }()
}
