/// Checks a parse tree against the language rules and turns it into invocations the interpreter
/// runs: `require` (RFC 5228 §3.2), argument signatures (§2.6), if/elsif/else structure (§3.1),
/// comparators and match types (§2.7), and the rules of each extension. Collects every error it
/// can, up to `SieveLimits.maximumErrors`, rather than stopping at the first.
struct SieveValidator {
    private let available: Set<SieveExtension>
    private let limits: SieveLimits
    private(set) var required: Set<SieveExtension> = []
    private(set) var errors: [SieveError] = []

    init(available: Set<SieveExtension>, limits: SieveLimits) {
        self.available = available
        self.limits = limits
    }

    private mutating func report(_ position: SourcePosition, _ message: String) {
        if errors.count < limits.maximumErrors { errors.append(SieveError(position, message)) }
    }

    private var hasRoomForErrors: Bool { errors.count < limits.maximumErrors }

    // MARK: - Blocks

    mutating func validateScript(_ commands: [SieveCommandNode]) -> [SieveInvocation] {
        validateBlock(commands, topLevel: true)
    }

    private mutating func validateBlock(_ commands: [SieveCommandNode], topLevel: Bool) -> [SieveInvocation] {
        var output: [SieveInvocation] = []
        var requireAllowed = topLevel
        var previous: String?
        for command in commands where hasRoomForErrors {
            defer { previous = command.name }
            if command.name == "require" {
                // RFC 5228 §3.2: require is only valid before any other command.
                if !requireAllowed {
                    report(command.position, "'require' must come before any other command")
                }
                validateRequire(command)
                continue
            }
            requireAllowed = false
            if command.name == "elsif" || command.name == "else", previous != "if", previous != "elsif" {
                // RFC 5228 §3.1: elsif and else only follow if or elsif.
                report(command.position, "'\(command.name)' must follow 'if' or 'elsif'")
            }
            if let invocation = validateCommand(command) { output.append(invocation) }
        }
        return output
    }

    private mutating func validateRequire(_ command: SieveCommandNode) {
        guard command.tests.isEmpty, command.block == nil, command.arguments.count == 1,
              let names = command.arguments[0].strings else {
            report(command.position, "'require' takes one string list of capability names")
            return
        }
        for name in names {
            guard let capability = SieveExtension(rawValue: name.lowercased()), available.contains(capability) else {
                report(command.arguments[0].position, "unsupported extension '\(name)' in require")
                continue
            }
            required.insert(capability)
            // RFC 6131 §2: "vacation-seconds" implies "vacation".
            if capability == .vacationSeconds { required.insert(.vacation) }
        }
    }

    private mutating func validateCommand(_ node: SieveCommandNode) -> SieveInvocation? {
        guard let signature = lookup(node.name, kind: .command, position: node.position) else { return nil }
        guard var invocation = resolveArguments(signature, name: node.name, position: node.position,
                                                arguments: node.arguments) else { return nil }
        let owner = "command '\(node.name)'"
        invocation.tests = validateTests(node.tests, hasTestList: node.hasTestList, signature: signature,
                                         owner: owner, position: node.end)
        if signature.takesBlock {
            guard let block = node.block else {
                report(node.end, "expected '{' to start the block of \(owner)")
                return nil
            }
            invocation.block = validateGuardedBlock(block, tests: invocation.tests)
        } else if node.block != nil {
            report(node.end, "expected ';' after command '\(node.name)' (it takes no block)")
        }
        checkCommandRules(invocation)
        return invocation
    }

    /// RFC 5463 §4: a block guarded by `ihave` for capabilities this server lacks is not validated
    /// (it cannot run); when they are all present, the block may use them without `require`.
    private mutating func validateGuardedBlock(_ block: [SieveCommandNode], tests: [SieveInvocation])
        -> [SieveInvocation] {
        guard let test = tests.first, test.name == "ihave" else { return validateBlock(block, topLevel: false) }
        let names = test.strings(at: 0)
        let capabilities = names.compactMap { SieveExtension(rawValue: $0.lowercased()) }
        guard capabilities.count == names.count, capabilities.allSatisfy(available.contains) else { return [] }
        let saved = required
        required.formUnion(capabilities)
        defer { required = saved }
        return validateBlock(block, topLevel: false)
    }

    private mutating func validateTests(_ tests: [SieveTestNode], hasTestList: Bool, signature: SieveSignature,
                                        owner: String, position: SourcePosition) -> [SieveInvocation] {
        switch signature.tests {
        case .none:
            if let first = tests.first { report(first.position, "\(owner) does not take a test") }
            return []
        case .one:
            if tests.isEmpty { report(position, "\(owner) needs a test") }
            if hasTestList, let first = tests.first {
                report(first.position, "\(owner) takes a single test, not a test list in '( … )'")
            }
        case .list:
            if !hasTestList { report(position, "\(owner) needs a test list in '( … )'") }
        }
        return tests.compactMap { validateTest($0) }
    }

    private mutating func validateTest(_ node: SieveTestNode) -> SieveInvocation? {
        guard let signature = lookup(node.name, kind: .test, position: node.position) else { return nil }
        guard var invocation = resolveArguments(signature, name: node.name, position: node.position,
                                                arguments: node.arguments) else { return nil }
        invocation.tests = validateTests(node.tests, hasTestList: node.hasTestList, signature: signature,
                                         owner: "test '\(node.name)'", position: node.position)
        checkTestRules(invocation)
        return invocation
    }

    private mutating func lookup(_ name: String, kind: SieveSignature.Kind,
                                 position: SourcePosition) -> SieveSignature? {
        let table = kind == .command ? SieveSignature.commands : SieveSignature.tests
        let noun = kind == .command ? "command" : "test"
        guard let signature = table[name], signature.requires.map(available.contains) ?? true else {
            let hint = kind == .command && SieveSignature.tests[name] != nil ? " ('\(name)' is a test)"
                : kind == .test && SieveSignature.commands[name] != nil ? " ('\(name)' is a command)" : ""
            report(position, "unknown \(noun) '\(name)'\(hint)")
            return nil
        }
        if let needed = signature.requires, !required.contains(needed) {
            report(position, "\(noun) '\(name)' needs the \"\(needed.rawValue)\" extension: add require \"\(needed.rawValue)\";")
            return nil
        }
        return signature
    }

    // MARK: - Arguments

    private mutating func resolveArguments(_ signature: SieveSignature, name: String, position: SourcePosition,
                                           arguments: [SieveArgument]) -> SieveInvocation? {
        let owner = "\(signature.kind == .command ? "command" : "test") '\(name)'"
        var tags: [String: SieveArgument.Value] = [:]
        var groups: [String: String] = [:]
        var positional: [SieveArgument] = []
        var valid = true
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard case .tag(let tagName) = argument.value else {
                positional.append(argument)
                continue
            }
            // RFC 5228 §2.6.2: tagged arguments come before the positional ones.
            if !positional.isEmpty {
                report(argument.position, "tag ':\(tagName)' must come before the positional arguments of \(owner)")
                valid = false
                continue
            }
            guard let spec = signature.tags.first(where: { $0.name == tagName }) else {
                report(argument.position, "unknown tag ':\(tagName)' for \(owner)")
                valid = false
                continue
            }
            if let needed = spec.requires, !required.contains(needed) {
                report(argument.position, "tag ':\(tagName)' needs the \"\(needed.rawValue)\" extension: add require \"\(needed.rawValue)\";")
                valid = false
            }
            if tags[tagName] != nil {
                report(argument.position, "tag ':\(tagName)' is given twice in \(owner)")
                valid = false
            }
            if let group = spec.group {
                if let other = groups[group], other != tagName {
                    report(argument.position, "tags ':\(other)' and ':\(tagName)' cannot be used together in \(owner)")
                    valid = false
                }
                groups[group] = tagName
            }
            guard let parameter = spec.parameter else {
                tags[tagName] = .tag(tagName)
                continue
            }
            guard index < arguments.count, let value = coerce(arguments[index].value, to: parameter.kind) else {
                report(index < arguments.count ? arguments[index].position : argument.position,
                       "tag ':\(tagName)' of \(owner) expects \(parameter.kind.displayName) (\(parameter.name))")
                valid = false
                continue
            }
            index += 1
            tags[tagName] = value
        }
        guard let values = matchPositional(positional, signature: signature, owner: owner, position: position) else {
            return nil
        }
        guard valid else { return nil }
        var invocation = SieveInvocation(name: name, position: position, tags: tags, positional: values, tests: [],
                                         block: nil, match: SieveMatchSpec())
        guard let match = resolveMatch(invocation, owner: owner) else { return nil }
        invocation.match = match
        return invocation
    }

    private func coerce(_ value: SieveArgument.Value, to kind: SieveSignature.ArgumentKind) -> SieveArgument.Value? {
        switch (kind, value) {
        case (.string, .string), (.stringList, .stringList), (.number, .number): value
        case (.stringList, .string(let single)): .stringList([single])
        default: nil
        }
    }

    private mutating func matchPositional(_ arguments: [SieveArgument], signature: SieveSignature, owner: String,
                                          position: SourcePosition) -> [SieveArgument.Value]? {
        let forms = signature.positional
        if let form = forms.first(where: { $0.count == arguments.count }) {
            var values: [SieveArgument.Value] = []
            for (argument, expected) in zip(arguments, form) {
                guard let value = coerce(argument.value, to: expected.kind) else {
                    report(argument.position, "\(owner) expects \(expected.kind.displayName) (\(expected.name)) here")
                    return nil
                }
                values.append(value)
            }
            return values
        }
        let expected = forms.map { form in
            form.isEmpty ? "no arguments" : form.map { "\($0.name)" }.joined(separator: ", ")
        }.joined(separator: " or ")
        if let extra = arguments.dropFirst(forms.map(\.count).max() ?? 0).first {
            report(extra.position, "too many arguments for \(owner) (expects \(expected))")
        } else {
            report(arguments.last?.position ?? position, "missing arguments for \(owner) (expects \(expected))")
        }
        return nil
    }

    /// Comparator, match type, address part and index (RFC 5228 §2.7, RFC 5231, RFC 5233, RFC 5260 §6).
    private mutating func resolveMatch(_ invocation: SieveInvocation, owner: String) -> SieveMatchSpec? {
        var spec = SieveMatchSpec()
        let position = invocation.position
        if let name = invocation.tagString("comparator") {
            switch name.lowercased() {
            case "i;octet": spec.comparator = .octet
            case "i;ascii-casemap": spec.comparator = .asciiCasemap
            case "i;ascii-numeric" where required.contains(.comparatorASCIINumeric):
                spec.comparator = .asciiNumeric
            case "i;ascii-numeric":
                report(position, "comparator 'i;ascii-numeric' needs require \"comparator-i;ascii-numeric\";")
                return nil
            default:
                report(position, "unknown comparator '\(name)' in \(owner)")
                return nil
            }
        }
        if invocation.has("contains") { spec.matchType = .contains }
        if invocation.has("matches") { spec.matchType = .matches }
        for tag in ["count", "value"] {
            guard let text = invocation.tagString(tag) else { continue }
            guard let relation = SieveRelation(rawValue: text.lowercased()) else {
                report(position, "unknown relational operator '\(text)' (use gt, ge, lt, le, eq or ne)")
                return nil
            }
            spec.matchType = tag == "count" ? .count(relation) : .value(relation)
            // RFC 5231 §4.2 leaves the comparator default unchanged; counts compare as numbers only
            // with i;ascii-numeric, which is what scripts that count mean.
        }
        if !spec.comparator.supportsSubstring, spec.matchType == .contains || spec.matchType == .matches {
            report(position, "comparator 'i;ascii-numeric' cannot be used with :contains or :matches")
            return nil
        }
        for (tag, part) in [("localpart", SieveMatchSpec.AddressPart.localpart), ("domain", .domain),
                            ("user", .user), ("detail", .detail), ("all", .all)] where invocation.has(tag) {
            spec.addressPart = part
        }
        if let index = invocation.tagNumber("index") {
            guard index >= 1 else {
                report(position, "':index' must be 1 or more")
                return nil
            }
            spec.index = index
        }
        spec.fromLast = invocation.has("last") && invocation.name != "addheader" && invocation.name != "duplicate"
        if spec.fromLast, spec.index == nil {
            // RFC 5260 §6 and RFC 5293 §5: :last only modifies :index.
            report(position, "':last' needs ':index' in \(owner)")
            return nil
        }
        return spec
    }

    // MARK: - Command and test rules

    private func isConstant(_ text: String) -> Bool {
        !required.contains(.variables) || !SieveVariables.containsReference(text)
    }

    private mutating func checkCommandRules(_ invocation: SieveInvocation) {
        let position = invocation.position
        switch invocation.name {
        case "fileinto":
            let mailbox = invocation.string(at: 0)
            if isConstant(mailbox), mailbox.isEmpty { report(position, "fileinto needs a non-empty mailbox name") }
        case "redirect":
            // RFC 5228 §4.2: the address must be a syntactically valid RFC 5322 address.
            let address = invocation.string(at: 0)
            if isConstant(address), SieveAddress.mailbox(address) == nil {
                report(position, "redirect needs a valid e-mail address, not '\(address)'")
            }
        case "set":
            let name = invocation.string(at: 0)
            // RFC 6609 §3.4: "global.name" reaches a global variable.
            let global = required.contains(.include) && name.lowercased().hasPrefix("global.")
            if !SieveVariables.isValidName(global ? String(name.dropFirst(7)) : name, allowNamespace: false) {
                report(position, "invalid variable name '\(name)'")
            }
            // RFC 5229 §4.1: only one modifier of each precedence.
            let levels = [["lower", "upper"], ["lowerfirst", "upperfirst"]]
            for level in levels where level.filter(invocation.has).count > 1 {
                report(position, "modifiers ':\(level[0])' and ':\(level[1])' cannot be used together")
            }
        case "setflag", "addflag", "removeflag":
            if invocation.positional.count == 2 {
                let name = invocation.string(at: 0)
                if !SieveVariables.isValidName(name, allowNamespace: false) {
                    report(position, "invalid variable name '\(name)'")
                }
            }
        case "global":
            for name in invocation.strings(at: 0) where !SieveVariables.isValidName(name, allowNamespace: false) {
                report(position, "invalid variable name '\(name)'")
            }
        case "include":
            let name = invocation.string(at: 0)
            // RFC 6609 §3.2: a script name, not a path.
            if isConstant(name), name.isEmpty || name.contains("/") {
                report(position, "invalid script name '\(name)' in include")
            }
        case "vacation":
            if let days = invocation.tagNumber("days"), days < 0 { report(position, ":days must not be negative") }
            if let from = invocation.tagString("from"), isConstant(from), SieveAddress.mailbox(from) == nil {
                report(position, "vacation :from needs a valid e-mail address")
            }
        case "addheader", "deleteheader":
            let field = invocation.string(at: 0)
            if isConstant(field), !SieveHeaderEditor.isValidFieldName(field) {
                report(position, "invalid header field name '\(field)'")
            }
        default:
            break
        }
    }

    private mutating func checkTestRules(_ invocation: SieveInvocation) {
        let position = invocation.position
        switch invocation.name {
        case "size":
            // RFC 5228 §5.9: exactly one of :over or :under.
            if !invocation.has("over") && !invocation.has("under") {
                report(position, "test 'size' needs ':over' or ':under'")
            }
        case "envelope":
            // RFC 5228 §5.4: "from" and "to"; RFC 5228 leaves room for more, "auth" is common.
            for part in invocation.strings(at: 0) where isConstant(part) {
                if !["from", "to", "auth"].contains(part.lowercased()) {
                    report(position, "unknown envelope part '\(part)' (use \"from\" or \"to\")")
                }
            }
        case "date", "currentdate":
            let part = invocation.string(at: invocation.name == "date" ? 1 : 0)
            if isConstant(part), SieveDatePart(rawValue: part.lowercased()) == nil {
                report(position, "unknown date part '\(part)'")
            }
            if let zone = invocation.tagString("zone"), isConstant(zone), SieveDatePart.zoneOffset(zone) == nil {
                report(position, "invalid time zone '\(zone)' (use the form +hhmm or -hhmm)")
            }
        case "hasflag" where invocation.positional.count == 2:
            // RFC 5232 §4: the first list names variables.
            for name in invocation.strings(at: 0) where !SieveVariables.isValidName(name, allowNamespace: false) {
                report(position, "invalid variable name '\(name)'")
            }
        case "body":
            if case .count = invocation.match.matchType {
                // RFC 5173 §5: :count is not allowed with body.
                report(position, "':count' cannot be used with the body test")
            }
        default:
            break
        }
    }
}
