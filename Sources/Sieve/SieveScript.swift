/// A compiled, validated script: what ManageSieve stores the source for and what delivery runs.
/// Compile once per script change, run per message.
public struct SieveScript: Sendable {
    /// Extensions the script required (plus those enabled by `ihave` blocks at run time).
    public let requiredExtensions: Set<SieveExtension>
    /// What the server offered at compile time (the `ihave` test answers from it).
    public let availableExtensions: Set<SieveExtension>
    let commands: [SieveInvocation]
    let limits: SieveLimits

    init(requiredExtensions: Set<SieveExtension>, availableExtensions: Set<SieveExtension>,
         commands: [SieveInvocation], limits: SieveLimits) {
        self.requiredExtensions = requiredExtensions
        self.availableExtensions = availableExtensions
        self.commands = commands
        self.limits = limits
    }
}

/// Source text to `SieveScript`, or every error found with its line and column.
public enum SieveCompiler {
    /// Which extensions this server offers and the bounds it enforces.
    public struct Options: Sendable, Hashable {
        public var extensions: Set<SieveExtension>
        public var limits: SieveLimits

        public init(extensions: Set<SieveExtension> = Set(SieveExtension.allCases), limits: SieveLimits = .default) {
            self.extensions = extensions
            self.limits = limits
        }

        public static let `default` = Options()
    }

    public static func compile(_ source: String, options: Options = .default) -> Result<SieveScript, SieveErrors> {
        let tree: [SieveCommandNode]
        switch SieveParser.parse(source, limits: options.limits) {
        case .success(let parsed): tree = parsed
        case .failure(let error): return .failure(SieveErrors([error]))
        }
        var available = options.extensions
        // RFC 5228 §2.7.3: these two comparators are always there.
        available.formUnion([.comparatorOctet, .comparatorASCIICasemap])
        let decoded: [SieveCommandNode]
        switch decodeEncodedCharacters(tree, available: available) {
        case .success(let commands): decoded = commands
        case .failure(let error): return .failure(SieveErrors([error]))
        }
        var validator = SieveValidator(available: available, limits: options.limits)
        let commands = validator.validateScript(decoded)
        if !validator.errors.isEmpty { return .failure(SieveErrors(validator.errors)) }
        return .success(SieveScript(requiredExtensions: validator.required, availableExtensions: available,
                                    commands: commands, limits: options.limits))
    }

    /// RFC 5228 §2.4.2.4 applies only when the script requires "encoded-character"; it is decided
    /// before validation because decoded strings are what the validator must check.
    private static func decodeEncodedCharacters(_ tree: [SieveCommandNode],
                                                available: Set<SieveExtension>) -> Result<[SieveCommandNode], SieveError> {
        let requires = available.contains(.encodedCharacter) && tree.contains { command in
            command.name == "require" && command.arguments.contains { argument in
                argument.strings?.contains { $0.lowercased() == SieveExtension.encodedCharacter.rawValue } ?? false
            }
        }
        guard requires else { return .success(tree) }
        do {
            return .success(try tree.map(decodeCommand))
        } catch let failure as PositionedFailure {
            return .failure(failure.error)
        } catch {
            return .failure(SieveError(line: 1, column: 1, message: "invalid encoded character"))
        }
    }

    private struct PositionedFailure: Error { var error: SieveError }

    private static func decodeArgument(_ argument: SieveArgument) throws -> SieveArgument {
        var copy = argument
        do {
            switch argument.value {
            case .string(let text): copy.value = .string(try EncodedCharacter.decode(text))
            case .stringList(let list): copy.value = .stringList(try list.map { try EncodedCharacter.decode($0) })
            default: break
            }
        } catch let invalid as EncodedCharacter.InvalidCodePoint {
            throw PositionedFailure(error: SieveError(argument.position,
                                                      "invalid Unicode code point '\(invalid.text)' in ${unicode:…}"))
        }
        return copy
    }

    private static func decodeTest(_ test: SieveTestNode) throws -> SieveTestNode {
        var copy = test
        copy.arguments = try test.arguments.map(decodeArgument)
        copy.tests = try test.tests.map(decodeTest)
        return copy
    }

    private static func decodeCommand(_ command: SieveCommandNode) throws -> SieveCommandNode {
        var copy = command
        copy.arguments = try command.arguments.map(decodeArgument)
        copy.tests = try command.tests.map(decodeTest)
        copy.block = try command.block.map { try $0.map(decodeCommand) }
        return copy
    }
}
