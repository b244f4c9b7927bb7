/// Address lists (RFC 5322 §3.4, obsolete forms of §4.4), parsed leniently: real mail carries
/// unquoted dots in names, missing angle brackets, stray separators and unterminated quotes.
/// Iterative and bounded; comments are skipped (they never become display names).
public enum AddressParser {
    /// Most entries returned for one field; the rest of a hostile list is ignored.
    public static let maximumAddresses = 4096

    /// Parses the unfolded value of an address field (From, To, Cc, …) into ENVELOPE entries.
    public static func parse(_ value: String) -> [Address] {
        parse(bytes: Array(value.utf8))
    }

    static func parse(bytes: [UInt8]) -> [Address] {
        var parser = Parser(tokens: tokenize(bytes))
        return parser.list()
    }

    // MARK: tokens

    struct Token {
        enum Kind { case atom, quoted, literal, special }
        var kind: Kind
        var bytes: [UInt8]
        /// Whitespace or a comment came before it: names keep one space there.
        var spaced: Bool
        var special: UInt8 { kind == .special ? bytes[0] : 0 }
        var isWord: Bool { kind == .atom || kind == .quoted }
    }

    private static let specialBytes: Set<UInt8> = [
        ASCII.openParen, ASCII.closeParen, ASCII.lessThan, ASCII.greaterThan, ASCII.openBracket,
        ASCII.closeBracket, ASCII.colon, ASCII.semicolon, ASCII.at, ASCII.backslash, ASCII.comma,
        ASCII.dot, ASCII.quote,
    ]

    /// RFC 5322 §3.2.3 specials as a lookup table (a Set would hash every byte).
    private static let specialTable: [Bool] = (0..<256).map { specialBytes.contains(UInt8($0)) }

    @inline(__always)
    private static func isSpecial(_ byte: UInt8) -> Bool { specialTable[Int(byte)] }

    static func tokenize(_ bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        var spaced = false
        while index < bytes.count {
            let byte = bytes[index]
            if ASCII.isWhitespaceOrNewline(byte) {
                spaced = true
                index += 1
            } else if byte == ASCII.openParen {
                index = ParameterizedValue.skipComment(bytes, from: index)
                spaced = true
            } else if byte == ASCII.quote {
                let (text, next) = ParameterizedValue.quotedString(bytes, from: index)
                tokens.append(Token(kind: .quoted, bytes: text, spaced: spaced))
                index = next
                spaced = false
            } else if byte == ASCII.openBracket {
                // RFC 5322 §3.4.1 domain-literal, kept with its brackets.
                var end = index + 1
                while end < bytes.count, bytes[end] != ASCII.closeBracket { end += 1 }
                let literal = Array(bytes[index..<min(end + 1, bytes.count)].filter { !ASCII.isWhitespaceOrNewline($0) })
                tokens.append(Token(kind: .literal, bytes: literal, spaced: spaced))
                index = end + 1
                spaced = false
            } else if isSpecial(byte) {
                if byte != ASCII.backslash && byte != ASCII.closeParen && byte != ASCII.closeBracket {
                    tokens.append(Token(kind: .special, bytes: [byte], spaced: spaced))
                }
                index += 1
                spaced = false
            } else {
                let start = index
                while index < bytes.count, !isSpecial(bytes[index]), !ASCII.isWhitespaceOrNewline(bytes[index]) {
                    index += 1
                }
                tokens.append(Token(kind: .atom, bytes: Array(bytes[start..<index]), spaced: spaced))
                spaced = false
            }
        }
        return tokens
    }

    // MARK: grammar

    private struct Parser {
        let tokens: [Token]
        var index = 0
        var output: [Address] = []

        init(tokens: [Token]) { self.tokens = tokens }

        var atEnd: Bool { index >= tokens.count }
        var full: Bool { output.count >= AddressParser.maximumAddresses }

        func isSpecial(_ byte: UInt8, at position: Int) -> Bool {
            position < tokens.count && tokens[position].special == byte
        }

        /// RFC 5322 §3.4: address-list = (address *("," address)) / obs-addr-list
        mutating func list() -> [Address] {
            while !atEnd && !full {
                let before = index
                if isSpecial(ASCII.comma, at: index) || isSpecial(ASCII.semicolon, at: index)
                    || isSpecial(ASCII.greaterThan, at: index) {
                    index += 1
                    continue
                }
                address(inGroup: false)
                if index == before { index += 1 }   // always advance, whatever the input
            }
            return output
        }

        /// address = mailbox / group; mailbox = name-addr / addr-spec
        mutating func address(inGroup: Bool) {
            let phraseStart = index
            while index < tokens.count {
                let token = tokens[index]
                if token.isWord || token.kind == .literal || token.special == ASCII.dot { index += 1; continue }
                break
            }
            let phrase = tokens[phraseStart..<index]
            let stop = atEnd ? 0 : tokens[index].special

            switch stop {
            case ASCII.colon where !inGroup:
                // RFC 5322 §3.4 group = display-name ":" [group-list] ";" [CFWS]
                index += 1
                output.append(.groupStart(AddressParser.phraseText(phrase)))
                while !atEnd && !full {
                    if isSpecial(ASCII.semicolon, at: index) { index += 1; break }
                    if isSpecial(ASCII.comma, at: index) || isSpecial(ASCII.colon, at: index)
                        || isSpecial(ASCII.greaterThan, at: index) {
                        index += 1
                        continue
                    }
                    let before = index
                    address(inGroup: true)
                    if index == before { index += 1 }
                }
                output.append(.groupEnd)
            case ASCII.lessThan:
                index += 1
                angleAddress(displayName: AddressParser.phraseText(phrase))
            case ASCII.at:
                // addr-spec without brackets; "John Smith john@x" keeps the last word as the local
                // part and the words before it as a display name.
                var localStart = phrase.isEmpty ? phrase.endIndex : phrase.endIndex - 1
                while localStart > phrase.startIndex,
                      tokens[localStart].special == ASCII.dot || tokens[localStart - 1].special == ASCII.dot {
                    localStart -= 1
                }
                index += 1
                let domain = domainText()
                let name = AddressParser.phraseText(tokens[phrase.startIndex..<localStart])
                if isSpecial(ASCII.lessThan, at: index) {
                    // "a@b <c@d>": the bracketed address is the real one.
                    index += 1
                    angleAddress(displayName: name)
                } else if localStart < phrase.endIndex || !domain.isEmpty {
                    appendMailbox(name: name, route: nil, local: tokens[localStart..<phrase.endIndex], domain: domain)
                }
            default:
                // A bare word or phrase: a mailbox without a domain (e.g. "undisclosed-recipients").
                if !phrase.isEmpty {
                    appendMailbox(name: nil, route: nil, local: phrase, domain: nil)
                } else if !atEnd, stop != ASCII.comma, stop != ASCII.semicolon {
                    index += 1   // stray special such as ":" inside a group or ">"
                }
            }
        }

        /// RFC 5322 §3.4 angle-addr = [CFWS] "<" addr-spec ">" [CFWS] / obs-angle-addr (with obs-route)
        mutating func angleAddress(displayName: String) {
            var route: [String] = []
            // obs-route = obs-domain-list ":"  where obs-domain-list = *(CFWS / ",") "@" domain ...
            var probe = index
            while probe < tokens.count, isSpecial(ASCII.at, at: probe) || isSpecial(ASCII.comma, at: probe) {
                if isSpecial(ASCII.at, at: probe) {
                    index = probe + 1
                    route.append("@" + domainText())
                    probe = index
                } else {
                    probe += 1
                }
            }
            if !route.isEmpty {
                index = probe
                if isSpecial(ASCII.colon, at: index) { index += 1 }
            }
            let localStart = index
            while index < tokens.count, tokens[index].isWord || tokens[index].special == ASCII.dot
                || tokens[index].kind == .literal {
                index += 1
            }
            let local = tokens[localStart..<index]
            var domain: String? = nil
            if isSpecial(ASCII.at, at: index) {
                index += 1
                domain = domainText()
            }
            // Skip anything up to and including ">" (but never past a list separator).
            while index < tokens.count {
                let special = tokens[index].special
                if special == ASCII.greaterThan { index += 1; break }
                if special == ASCII.comma || special == ASCII.semicolon { break }
                index += 1
            }
            if local.isEmpty && domain == nil && route.isEmpty {
                // "<>" (null reverse-path) or "Name <>": keep the name if there is one.
                if !displayName.isEmpty {
                    appendMailbox(name: displayName, route: nil, local: local, domain: nil, forceMissingMailbox: true)
                }
                return
            }
            appendMailbox(name: displayName, route: route.isEmpty ? nil : route.joined(separator: ","),
                          local: local, domain: domain)
        }

        /// domain = dot-atom / domain-literal / obs-domain, whitespace dropped.
        mutating func domainText() -> String {
            var bytes: [UInt8] = []
            while index < tokens.count {
                let token = tokens[index]
                if token.kind == .atom || token.kind == .literal || token.kind == .quoted {
                    bytes += token.bytes
                } else if token.special == ASCII.dot {
                    bytes.append(ASCII.dot)
                } else {
                    break
                }
                index += 1
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        mutating func appendMailbox(name: String?, route: String?, local: ArraySlice<Token>, domain: String?,
                                    forceMissingMailbox: Bool = false) {
            guard !full else { return }
            let localPart = AddressParser.localPartText(local)
            output.append(Address(
                kind: .mailbox,
                displayName: (name?.isEmpty ?? true) ? nil : name,
                route: route,
                localPart: localPart.isEmpty || forceMissingMailbox ? Address.missingMailbox : localPart,
                domain: (domain?.isEmpty ?? true) ? Address.missingDomain : domain))
        }
    }

    /// A display name: words joined with one space where the source had whitespace (RFC 5322 §3.2.5
    /// phrase, obs-phrase allowing "."), quoted strings kept as their content.
    static func phraseText(_ tokens: ArraySlice<Token>) -> String {
        var bytes: [UInt8] = []
        for token in tokens {
            if token.spaced && !bytes.isEmpty { bytes.append(ASCII.space) }
            bytes += token.bytes
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 5322 §3.4.1 local-part, CFWS around dots dropped (obs-local-part), then written in its
    /// canonical form: as a dot-atom when possible, else as a quoted-string.
    static func localPartText(_ tokens: ArraySlice<Token>) -> String {
        var bytes: [UInt8] = []
        var quoted = false
        for token in tokens {
            if token.kind == .quoted { quoted = true }
            if token.kind == .atom && !bytes.isEmpty && bytes.last != ASCII.dot && token.spaced {
                bytes.append(ASCII.space)   // "john smith@x": garbage, keep it visible
            }
            bytes += token.bytes
        }
        guard quoted || bytes.contains(ASCII.space) else { return String(decoding: bytes, as: UTF8.self) }
        if isDotAtom(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var escaped: [UInt8] = [ASCII.quote]
        for byte in bytes {
            if byte == ASCII.quote || byte == ASCII.backslash { escaped.append(ASCII.backslash) }
            escaped.append(byte)
        }
        escaped.append(ASCII.quote)
        return String(decoding: escaped, as: UTF8.self)
    }

    /// RFC 5322 §3.2.3 dot-atom-text = 1*atext *("." 1*atext)
    static func isDotAtom(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, let last = bytes.last, first != ASCII.dot, last != ASCII.dot else { return false }
        var previousDot = false
        for byte in bytes {
            if byte == ASCII.dot {
                if previousDot { return false }
                previousDot = true
                continue
            }
            previousDot = false
            if byte <= ASCII.space || byte == 0x7F || isSpecial(byte) { return false }
        }
        return true
    }
}
