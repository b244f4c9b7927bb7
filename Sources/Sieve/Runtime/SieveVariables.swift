/// RFC 5229 variables: names, `${…}` expansion, match variables and `set` modifiers. Names are
/// case-insensitive (§3); values are bounded by `SieveLimits.maximumVariableLength` (§3 allows it).
struct SieveVariables: Sendable {
    private var values: [String: String] = [:]
    /// ${0}…${9} from the last successful :matches (RFC 5229 §3.2).
    var matchValues: [String] = []
    let maximumLength: Int

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    /// identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_"), optionally "namespace." prefixed (§3).
    static func isValidName(_ name: String, allowNamespace: Bool) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, allowNamespace || parts.count == 1 else { return false }
        return parts.allSatisfy(isIdentifier)
    }

    private static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "_") || isAlpha(first), text.utf8.count <= 128 else {
            return false
        }
        return text.utf8.allSatisfy { isAlpha($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_") }
    }

    private static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    /// Whether `text` holds "${" at all: the fast path that skips expansion for plain strings
    /// (a byte scan; Foundation's `contains` would bridge to NSString).
    static func containsReference(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }

    subscript(name: String) -> String? {
        get { values[name.lowercased()] }
        set { values[name.lowercased()] = newValue.map(bounded) }
    }

    func bounded(_ value: String) -> String {
        guard value.utf8.count > maximumLength else { return value }
        var cut = value.utf8.prefix(maximumLength)
        while let last = cut.last, last & 0xC0 == 0x80 { cut = cut.dropLast() }   // keep whole scalars
        if let last = cut.last, last >= 0xC0 { cut = cut.dropLast() }
        return String(decoding: cut, as: UTF8.self)
    }

    /// Replace `${name}` and `${n}` (RFC 5229 §3). An unknown variable expands to ""; text that is not
    /// a valid reference stays as written. `lookup` resolves namespaced names (none supported yet).
    func expand(_ text: String, lookup: (String) -> String? = { _ in nil }) -> String {
        guard SieveVariables.containsReference(text) else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        var length = 0
        while index < scalars.count {
            if scalars[index] == "$", index + 1 < scalars.count, scalars[index + 1] == "{",
               let close = scalars[(index + 2)...].prefix(130).firstIndex(of: "}") {
                let name = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
                if let value = resolve(name, lookup: lookup) {
                    output.append(contentsOf: value.unicodeScalars)
                    length += value.utf8.count
                    index = close + 1
                    if length > maximumLength { break }
                    continue
                }
            }
            output.append(scalars[index])
            length += 1
            index += 1
            if length > maximumLength { break }
        }
        return bounded(String(output))
    }

    private func resolve(_ name: String, lookup: (String) -> String?) -> String? {
        if !name.isEmpty, name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            // num-variable = 1*DIGIT; unset ones expand to "".
            guard let number = Int(name.prefix(3)), name.count <= 3 else { return "" }
            return number < matchValues.count ? matchValues[number] : ""
        }
        guard Self.isValidName(name, allowNamespace: true) else { return nil }
        if name.contains(".") {
            // todo(rfc): RFC 5229 §3 namespaces beyond those the interpreter supplies
            return lookup(name.lowercased()) ?? ""
        }
        return self[name] ?? ""
    }

    /// RFC 5229 §4.1: modifiers apply from the highest precedence (40) to the lowest (10).
    static func applyModifiers(_ value: String, tags: Set<String>) -> String {
        var result = value
        if tags.contains("lower") { result = asciiLowercased(result) }
        if tags.contains("upper") { result = asciiUppercased(result) }
        if tags.contains("lowerfirst"), let first = result.first {
            result = asciiLowercased(String(first)) + result.dropFirst()
        }
        if tags.contains("upperfirst"), let first = result.first {
            result = asciiUppercased(String(first)) + result.dropFirst()
        }
        if tags.contains("quotewildcard") {
            var quoted = ""
            for character in result {
                if character == "*" || character == "?" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            result = quoted
        }
        if tags.contains("length") { result = String(result.unicodeScalars.count) }
        return result
    }

    // todo(rfc): RFC 5229 §4.1 :lower/:upper follow the comparator (i;ascii-casemap maps ASCII only)
    // RFC 5229 §4.1 leaves case mapping beyond ASCII to the implementation; Unicode lowercasing is
    // what users expect for accented names, so use it.
    private static func asciiLowercased(_ text: String) -> String { text.lowercased() }
    private static func asciiUppercased(_ text: String) -> String { text.uppercased() }
}
