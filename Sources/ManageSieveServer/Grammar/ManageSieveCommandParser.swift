// Tokens to commands: RFC 5804 §4 `command` and its alternatives.

/// Parses one framed command line.
public enum ManageSieveCommandParser {
    public static func parse(_ line: ManageSieveCommandLine) throws(ManageSieveParseError) -> ManageSieveCommand {
        let tokens = try ManageSieveTokenizer.tokens(line)
        guard case .atom(let name)? = tokens.first else { throw ManageSieveParseError("expected a command name") }
        let arguments = Array(tokens.dropFirst())
        switch name.uppercased() {
        // command-authenticate = "AUTHENTICATE" SP auth-type [SP string] *(CRLF string)
        case "AUTHENTICATE":
            guard (1...2).contains(arguments.count) else { throw arity("AUTHENTICATE", "a mechanism and an optional initial response") }
            let mechanism: String
            switch arguments[0] {
            case .string(let bytes): mechanism = try utf8(bytes, what: "mechanism")
            case .atom(let atom): mechanism = atom   // tolerated: some clients leave the quotes off
            case .number: throw ManageSieveParseError("expected a SASL mechanism name")
            }
            var initial: [UInt8]?
            if arguments.count == 2 {
                guard case .string(let bytes) = arguments[1] else { throw ManageSieveParseError("expected a string") }
                initial = bytes
            }
            return .authenticate(mechanism: mechanism.uppercased(), initialResponse: initial)
        case "STARTTLS": try none(arguments, "STARTTLS"); return .startTLS
        case "LOGOUT": try none(arguments, "LOGOUT"); return .logout
        case "CAPABILITY": try none(arguments, "CAPABILITY"); return .capability
        case "LISTSCRIPTS": try none(arguments, "LISTSCRIPTS"); return .listScripts
        case "UNAUTHENTICATE": try none(arguments, "UNAUTHENTICATE"); return .unauthenticate
        // command-havespace = "HAVESPACE" SP sieve-name SP number
        case "HAVESPACE":
            guard arguments.count == 2, case .string(let name) = arguments[0], case .number(let size) = arguments[1] else {
                throw arity("HAVESPACE", "a script name and a size")
            }
            return .haveSpace(name: try utf8(name, what: "script name"), size: size)
        // command-putscript = "PUTSCRIPT" SP sieve-name SP sieve-script
        case "PUTSCRIPT":
            guard arguments.count == 2, case .string(let name) = arguments[0], case .string(let content) = arguments[1] else {
                throw arity("PUTSCRIPT", "a script name and the script")
            }
            return .putScript(name: try utf8(name, what: "script name"), content: content)
        // command-checkscript = "CHECKSCRIPT" SP sieve-script
        case "CHECKSCRIPT":
            guard arguments.count == 1, case .string(let content) = arguments[0] else { throw arity("CHECKSCRIPT", "the script") }
            return .checkScript(content: content)
        // command-setactive = "SETACTIVE" SP active-sieve-name
        case "SETACTIVE":
            return .setActive(name: try oneName(arguments, "SETACTIVE"))
        // command-getscript = "GETSCRIPT" SP sieve-name
        case "GETSCRIPT":
            return .getScript(name: try oneName(arguments, "GETSCRIPT"))
        // command-deletescript = "DELETESCRIPT" SP sieve-name
        case "DELETESCRIPT":
            return .deleteScript(name: try oneName(arguments, "DELETESCRIPT"))
        // command-renamescript = "RENAMESCRIPT" SP old-sieve-name SP new-sieve-name
        case "RENAMESCRIPT":
            guard arguments.count == 2, case .string(let from) = arguments[0], case .string(let to) = arguments[1] else {
                throw arity("RENAMESCRIPT", "the old and the new script name")
            }
            return .renameScript(from: try utf8(from, what: "script name"), to: try utf8(to, what: "script name"))
        // command-noop = "NOOP" [SP string]
        case "NOOP":
            switch arguments.count {
            case 0: return .noop(tag: nil)
            case 1:
                guard case .string(let tag) = arguments[0] else { throw ManageSieveParseError("NOOP takes a string") }
                return .noop(tag: tag)
            default: throw arity("NOOP", "an optional tag")
            }
        default:
            throw ManageSieveParseError("unknown command")
        }
    }

    /// The one string of a SASL client response line (RFC 5804 §2.1: "a string (quoted or literal)
    /// with the base-64 encoding of the SASL data").
    public static func parseSASLResponse(_ line: ManageSieveCommandLine) throws(ManageSieveParseError) -> [UInt8] {
        let tokens = try ManageSieveTokenizer.tokens(line)
        guard tokens.count == 1, case .string(let bytes) = tokens[0] else {
            throw ManageSieveParseError("expected a SASL response string")
        }
        return bytes
    }

    private static func none(_ arguments: [ManageSieveToken], _ command: String) throws(ManageSieveParseError) {
        guard arguments.isEmpty else { throw ManageSieveParseError("\(command) takes no arguments") }
    }

    private static func oneName(_ arguments: [ManageSieveToken], _ command: String) throws(ManageSieveParseError) -> String {
        guard arguments.count == 1, case .string(let name) = arguments[0] else { throw arity(command, "a script name") }
        return try utf8(name, what: "script name")
    }

    private static func utf8(_ bytes: [UInt8], what: String) throws(ManageSieveParseError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw ManageSieveParseError("\(what) is not UTF-8") }
        return text
    }

    private static func arity(_ command: String, _ expected: String) -> ManageSieveParseError {
        ManageSieveParseError("\(command) takes \(expected)")
    }
}
