/// The commands and tests of Dovecot Pigeonhole's `vnd.dovecot.testsuite` language. They all need
/// that extension, which only `SieveTestsuite` offers, so no user script can name them.
extension SieveSignature {
    private static let suite = SieveExtension.vndDovecotTestsuite

    /// `:index` without the "index" extension: the testsuite numbers errors and actions with it.
    private static let testsuiteIndex = Tag("index", Positional(kind: .number, name: "index"))

    private static let messageSource: [Tag] = [
        Tag("smtp", group: "source"),
        Tag("folder", Positional(kind: .string, name: "folder"), group: "source"),
    ]

    static let testsuiteCommands: [SieveSignature] = [
        SieveSignature(name: "test", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "test name"))], takesBlock: true),
        SieveSignature(name: "test_fail", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "reason"))]),
        SieveSignature(name: "test_set", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "object"), (.string, "value"))]),
        SieveSignature(name: "test_config_set", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "setting"), (.string, "value"))]),
        SieveSignature(name: "test_config_unset", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "setting"))]),
        SieveSignature(name: "test_config_reload", kind: .command, requires: suite,
                       tags: [Tag("extension", Positional(kind: .string, name: "extension"))], positional: [[]]),
        SieveSignature(name: "test_result_reset", kind: .command, requires: suite, tags: [], positional: [[]]),
        SieveSignature(name: "test_result_print", kind: .command, requires: suite, tags: [], positional: [[]]),
        SieveSignature(name: "test_message", kind: .command, requires: suite, tags: messageSource,
                       positional: [positional((.number, "message index"))]),
        SieveSignature(name: "test_mailbox_create", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "mailbox"))]),
        SieveSignature(name: "test_binary_save", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "binary name"))]),
        SieveSignature(name: "test_binary_load", kind: .command, requires: suite, tags: [],
                       positional: [positional((.string, "binary name"))]),
    ]

    static let testsuiteTests: [SieveSignature] = [
        SieveSignature(name: "test_script_compile", kind: .test, requires: suite, tags: [],
                       positional: [positional((.string, "script path"))]),
        SieveSignature(name: "test_script_run", kind: .test, requires: suite,
                       tags: [Tag("append_result")], positional: [[]]),
        SieveSignature(name: "test_multiscript", kind: .test, requires: suite, tags: [],
                       positional: [positional((.stringList, "script paths"))]),
        SieveSignature(name: "test_error", kind: .test, requires: suite, tags: comparatorTags + [testsuiteIndex],
                       positional: [positional((.stringList, "key list"))]),
        SieveSignature(name: "test_result_action", kind: .test, requires: suite,
                       tags: comparatorTags + [testsuiteIndex], positional: [positional((.stringList, "key list"))]),
        // The older name of test_result_action, still used by many suites.
        SieveSignature(name: "test_result", kind: .test, requires: suite,
                       tags: comparatorTags + [testsuiteIndex], positional: [positional((.stringList, "key list"))]),
        SieveSignature(name: "test_result_execute", kind: .test, requires: suite, tags: [], positional: [[]]),
        SieveSignature(name: "test_message", kind: .test, requires: suite, tags: messageSource,
                       positional: [positional((.number, "message index"))]),
    ]
}
