/// Recursive-descent parser for the grammar of RFC 5228 §8.2. Nesting is bounded by
/// `SieveLimits.maximumNesting`, so a hostile script cannot exhaust the stack. Stops at the first
/// syntax error: the validator, which runs on a well-formed tree, is the one that reports many.
struct SieveParser {
    private let tokens: [SieveToken]
    private let limits: SieveLimits
    private var index = 0
    private var depth = 0

    private struct Failure: Error { var error: SieveError }

    static func parse(_ source: String, limits: SieveLimits) -> Result<[SieveCommandNode], SieveError> {
        switch SieveLexer.tokenize(source, limits: limits) {
        case .failure(let error):
            return .failure(error)
        case .success(let tokens):
            var parser = SieveParser(tokens: tokens, limits: limits)
            do {
                return .success(try parser.parseStart())
            } catch {
                return .failure(error.error)
            }
        }
    }

    private init(tokens: [SieveToken], limits: SieveLimits) {
        self.tokens = tokens
        self.limits = limits
    }

    private var current: SieveToken { tokens[min(index, tokens.count - 1)] }
    private var previousEnd: SourcePosition {
        index > 0 ? tokens[index - 1].end : current.position
    }

    private mutating func next() -> SieveToken {
        let token = current
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func fail(_ position: SourcePosition, _ message: String) -> Failure {
        Failure(error: SieveError(position, message))
    }

    private mutating func enter(_ position: SourcePosition) throws(Failure) {
        depth += 1
        if depth > limits.maximumNesting {
            throw fail(position, "nesting is deeper than \(limits.maximumNesting) levels")
        }
    }

    // start = commands
    private mutating func parseStart() throws(Failure) -> [SieveCommandNode] {
        let commands = try parseCommands()
        if current.kind != .endOfInput {
            let message = current.kind == .rightBrace ? "unexpected '}' without a matching '{'"
                : "expected a command, found \(current.displayName)"
            throw fail(current.position, message)
        }
        return commands
    }

    // commands = *command
    private mutating func parseCommands() throws(Failure) -> [SieveCommandNode] {
        var commands: [SieveCommandNode] = []
        while case .identifier = current.kind {
            commands.append(try parseCommand())
        }
        return commands
    }

    // command = identifier arguments (";" / block)
    private mutating func parseCommand() throws(Failure) -> SieveCommandNode {
        let nameToken = next()
        guard case .identifier(let name) = nameToken.kind else {
            throw fail(nameToken.position, "expected a command name")
        }
        let (arguments, tests, hasList) = try parseArguments(owner: "command '\(name)'")
        let end = previousEnd
        switch current.kind {
        case .semicolon:
            _ = next()
            return SieveCommandNode(name: name, position: nameToken.position, end: end, arguments: arguments,
                                    tests: tests, hasTestList: hasList, block: nil)
        case .leftBrace:
            // block = "{" commands "}"
            let open = next()
            try enter(open.position)
            let block = try parseCommands()
            depth -= 1
            guard current.kind == .rightBrace else {
                if current.kind == .endOfInput {
                    throw fail(open.position, "block of command '\(name)' is not closed: missing '}'")
                }
                throw fail(current.position, "expected a command or '}', found \(current.displayName)")
            }
            _ = next()
            return SieveCommandNode(name: name, position: nameToken.position, end: end, arguments: arguments,
                                    tests: tests, hasTestList: hasList, block: block)
        default:
            throw fail(end, "expected ';' after command '\(name)'")
        }
    }

    // arguments = *argument [ test / test-list ]
    private mutating func parseArguments(owner: String) throws(Failure)
        -> ([SieveArgument], [SieveTestNode], Bool) {
        var arguments: [SieveArgument] = []
        while let argument = try parseArgument() {
            arguments.append(argument)
            if arguments.count > limits.maximumStringListCount {
                throw fail(argument.position, "too many arguments for \(owner)")
            }
        }
        switch current.kind {
        case .identifier:
            return (arguments, [try parseTest()], false)
        case .leftParen:
            return (arguments, try parseTestList(), true)
        default:
            return (arguments, [], false)
        }
    }

    // argument = string-list / number / tag
    private mutating func parseArgument() throws(Failure) -> SieveArgument? {
        let token = current
        switch token.kind {
        case .tag(let name):
            _ = next()
            return SieveArgument(value: .tag(name), position: token.position)
        case .number(let value):
            _ = next()
            return SieveArgument(value: .number(value), position: token.position)
        case .string(let text):
            _ = next()
            return SieveArgument(value: .string(text), position: token.position)
        case .leftBracket:
            return SieveArgument(value: .stringList(try parseStringList()), position: token.position)
        default:
            return nil
        }
    }

    // string-list = "[" string *("," string) "]" / string
    private mutating func parseStringList() throws(Failure) -> [String] {
        let open = next()
        var strings: [String] = []
        while true {
            let token = next()
            guard case .string(let text) = token.kind else {
                throw fail(token.position, "expected a string in the list, found \(token.displayName)")
            }
            strings.append(text)
            if strings.count > limits.maximumStringListCount {
                throw fail(open.position, "string list has more than \(limits.maximumStringListCount) entries")
            }
            let separator = next()
            switch separator.kind {
            case .comma: continue
            case .rightBracket: return strings
            default:
                throw fail(separator.position, "expected ',' or ']' in string list, found \(separator.displayName)")
            }
        }
    }

    // test = identifier arguments
    private mutating func parseTest() throws(Failure) -> SieveTestNode {
        let nameToken = next()
        guard case .identifier(let name) = nameToken.kind else {
            throw fail(nameToken.position, "expected a test, found \(nameToken.displayName)")
        }
        try enter(nameToken.position)
        defer { depth -= 1 }
        let (arguments, tests, hasList) = try parseArguments(owner: "test '\(name)'")
        return SieveTestNode(name: name, position: nameToken.position, arguments: arguments, tests: tests,
                             hasTestList: hasList)
    }

    // test-list = "(" test *("," test) ")"
    private mutating func parseTestList() throws(Failure) -> [SieveTestNode] {
        let open = next()
        var tests: [SieveTestNode] = []
        while true {
            guard case .identifier = current.kind else {
                throw fail(current.position, "expected a test in the test list, found \(current.displayName)")
            }
            tests.append(try parseTest())
            if tests.count > limits.maximumStringListCount {
                throw fail(open.position, "test list is too long")
            }
            let separator = next()
            switch separator.kind {
            case .comma: continue
            case .rightParen: return tests
            default:
                throw fail(separator.position, "expected ',' or ')' in test list, found \(separator.displayName)")
            }
        }
    }
}
