import Foundation
import MailMessage

/// Tests (RFC 5228 §5 and extensions) and the shared comparison of values against keys (§2.7).
extension SieveExecution {
    mutating func evaluate(_ test: SieveInvocation) throws(SieveRuntimeFailure) -> Bool {
        try charge()
        let spec = test.match
        switch test.name {
        case "true": return true
        case "false": return false
        case "not":
            guard let inner = test.tests.first else { throw failure("'not' without a test") }
            return try !evaluate(inner)
        case "allof":
            for inner in test.tests where try !evaluate(inner) { return false }   // RFC 5228 §5.2 short-circuit
            return true
        case "anyof":
            for inner in test.tests where try evaluate(inner) { return true }
            return false
        case "exists":
            return expand(test.strings(at: 0)).allSatisfy { header.exists($0) }
        case "size":
            // RFC 5228 §5.9: strictly over / under.
            let limit = test.number(at: 0)
            return test.has("over") ? message.size > limit : message.size < limit
        case "header":
            let values = expand(test.strings(at: 0)).flatMap { indexed(header.values(named: $0), spec) }
            return try matches(values: values, keys: expand(test.strings(at: 1)), spec: spec)
        case "address":
            // RFC 5228 §5.1 lets implementations restrict this to address fields; any field is parsed
            // as an address list here, as other servers do, and a field without addresses yields none.
            var values: [String] = []
            for name in expand(test.strings(at: 0)) {
                for field in indexed(header.values(named: name), spec) {
                    for mailbox in SieveAddress.mailboxes(inHeaderValue: field) {
                        if let part = SieveAddress.part(spec.addressPart, localPart: mailbox.localPart,
                                                        domain: mailbox.domain,
                                                        delimiters: options.recipientDelimiters) {
                            values.append(part)
                        }
                    }
                }
            }
            return try matches(values: values, keys: expand(test.strings(at: 1)), spec: spec)
        case "envelope":
            return try matches(values: envelopeValues(expand(test.strings(at: 0)), spec: spec),
                               keys: expand(test.strings(at: 1)), spec: spec)
        case "string":
            // RFC 5229 §5: with :count, only non-empty source strings count.
            var sources = expand(test.strings(at: 0))
            if case .count = spec.matchType { sources = sources.filter { !$0.isEmpty } }
            return try matches(values: sources, keys: expand(test.strings(at: 1)), spec: spec)
        case "hasflag":
            // RFC 5232 §4: the flags of the named variables, or of the internal variable.
            let flags = test.positional.count == 2
                ? normalizeFlags(test.strings(at: 0).map { variable($0) }) : internalFlags
            let keys = expand(test.strings(at: test.positional.count - 1))
            return try matches(values: flags, keys: keys, spec: spec)
        case "body":
            return try matches(values: bodyTexts(test), keys: expand(test.strings(at: 0)), spec: spec)
        case "date", "currentdate":
            return try dateTest(test)
        case "environment":
            // RFC 5183 §4: an unknown item makes the test false.
            guard let value = environmentValue(expand(test.string(at: 0)).lowercased()) else { return false }
            // RFC 5183 §4: for :count, an empty value counts as none.
            if case .count = spec.matchType, value.isEmpty {
                return try matches(values: [], keys: expand(test.strings(at: 1)), spec: spec)
            }
            return try matches(values: [value], keys: expand(test.strings(at: 1)), spec: spec)
        case "ihave":
            // RFC 5463 §4
            return test.strings(at: 0).allSatisfy { name in
                SieveExtension(rawValue: name.lowercased()).map(rootScript.availableExtensions.contains) ?? false
            }
        case "mailboxexists":
            // RFC 5490 §3.1
            return expand(test.strings(at: 0)).allSatisfy { context.mailboxExists($0) }
        case "duplicate":
            return duplicateTest(test)
        default:
            if testsuite != nil { return try evaluateTestsuiteTest(test) }
            throw failure("test '\(test.name)' is not supported at run time")
        }
    }

    /// RFC 5260 §6: :index n picks the nth occurrence (from the end with :last).
    func indexed(_ values: [String], _ spec: SieveMatchSpec) -> [String] {
        guard let index = spec.index else { return values }
        guard index <= values.count else { return [] }
        return [values[spec.fromLast ? values.count - index : index - 1]]
    }

    private func envelopeValues(_ parts: [String], spec: SieveMatchSpec) -> [String] {
        var values: [String] = []
        for part in parts {
            let address: String?
            var explicitDetail: String?
            switch part.lowercased() {
            case "from": address = envelope.from
            case "to":
                address = envelope.to
                explicitDetail = envelope.detail
            case "auth": address = envelope.authUser
            default: address = nil
            }
            guard let address else { continue }
            // RFC 5228 §5.4: the null reverse-path is the empty string whatever the address part.
            if address.isEmpty || address == "<>" {
                values.append("")
                continue
            }
            let parts = SieveAddress.envelopeParts(address)
            if let value = SieveAddress.part(spec.addressPart, localPart: parts.localPart, domain: parts.domain,
                                             explicitDetail: explicitDetail,
                                             delimiters: options.recipientDelimiters) {
                values.append(value)
            }
        }
        return values
    }

    private mutating func bodyTexts(_ test: SieveInvocation) -> [String] {
        let transform: SieveBodyExtractor.Transform
        if test.has("raw") {
            transform = .raw
        } else if let types = test.tagStrings("content") {
            transform = .content(expand(types))
        } else {
            transform = .content(["text"])   // RFC 5173 §5.3: :text is the default
        }
        if let cached = bodyCache[transform] { return cached }
        let texts = SieveBodyExtractor.texts(of: message, transform: transform,
                                             maximumLength: limits.maximumBodyPartLength)
        bodyCache[transform] = texts
        return texts
    }

    private func environmentValue(_ name: String) -> String? {
        if let value = options.environment[name] { return value }
        switch name {
        case "name": return "Facteur"
        case "phase": return "during"       // RFC 5183 §4.1: delivery time
        default: return nil
        }
    }

    private mutating func dateTest(_ test: SieveInvocation) throws(SieveRuntimeFailure) -> Bool {
        let spec = test.match
        let local = context.now()
        let instant: Date
        var offset = local.zoneOffset
        let partIndex: Int
        if test.name == "currentdate" {
            instant = local.date
            partIndex = 0
        } else {
            partIndex = 1
            let name = expand(test.string(at: 0))
            // RFC 5260 §4: the first (or :index-selected) field; an unparsable date is false.
            guard let value = indexed(header.values(named: name), spec).first,
                  let parsed = Self.parseDate(value) else { return false }
            instant = parsed.date
            if test.has("originalzone") { offset = parsed.timeZoneOffset }
        }
        if let zone = test.tagString("zone") {
            guard let zoneOffset = SieveDatePart.zoneOffset(expand(zone)) else { return false }
            offset = zoneOffset
        }
        guard let part = SieveDatePart(rawValue: expand(test.string(at: partIndex)).lowercased()) else { return false }
        let value = part.value(of: instant, offset: offset)
        return try matches(values: [value], keys: expand(test.strings(at: partIndex + 1)), spec: spec)
    }

    /// RFC 5260 §4: the whole field is a date (Date:), or the date follows the last ';' (Received:).
    static func parseDate(_ value: String) -> MessageDate? {
        if let semicolon = value.lastIndex(of: ";"),
           let parsed = MessageDate(parsing: String(value[value.index(after: semicolon)...])) {
            return parsed
        }
        return MessageDate(parsing: value)
    }

    /// RFC 7352 §3: the unique id is the Message-ID unless :header or :uniqueid says otherwise.
    private mutating func duplicateTest(_ test: SieveInvocation) -> Bool {
        let id: String?
        if let value = test.tagString("uniqueid") {
            id = expand(value)
        } else {
            id = header.values(named: test.tagString("header").map { expand($0) } ?? "Message-ID").first?
                .trimmingCharacters(in: .whitespaces)
        }
        guard let id, !id.isEmpty else { return false }
        let handle = test.tagString("handle").map { expand($0) } ?? ""
        let period = test.tagNumber("seconds").map { min(max($0, 0), options.defaultDuplicatePeriod * 52) }
            ?? options.defaultDuplicatePeriod
        let key = SieveDuplicateKey(handle: handle, uniqueID: id, period: period, fromLast: test.has("last"))
        let seen = context.isDuplicate(key)
        if !duplicateRecords.contains(key) { duplicateRecords.append(key) }
        return seen
    }

    // MARK: - Matching (RFC 5228 §2.7, RFC 5231)

    /// True when any value matches any key. A successful :matches sets ${0}… (RFC 5229 §3.2).
    mutating func matches(values: [String], keys: [String], spec: SieveMatchSpec,
                          captures: Bool = true) throws(SieveRuntimeFailure) -> Bool {
        let comparator = spec.comparator
        switch spec.matchType {
        case .count(let relation):
            // RFC 5231 §4.2: the number of values, compared with each key.
            try charge(keys.count)
            let count = String(values.count)
            return keys.contains { relation.holds(comparator.compare(count, $0)) }
        case .value(let relation):
            for value in values {
                for key in keys {
                    try charge(1 + (value.utf8.count + key.utf8.count) / 64)
                    if relation.holds(comparator.compare(value, key)) { return true }
                }
            }
            return false
        case .is, .contains:
            let contains = spec.matchType == .contains
            for value in values {
                for key in keys {
                    // Both comparisons are linear in the value and the key.
                    try charge(1 + (value.utf8.count + key.utf8.count) / 16)
                    if contains ? comparator.contains(value, key) : comparator.equals(value, key) { return true }
                }
            }
            return false
        case .matches:
            for key in keys {
                let matcher = SieveWildcardMatcher(pattern: key, comparator: comparator)
                for value in values {
                    var used = 0
                    let result = matcher.match(value, steps: &used, limit: limits.maximumSteps - steps + 1)
                    try charge(1 + used)
                    if let result {
                        if captures { setMatchValues(result) }
                        return true
                    }
                }
            }
            return false
        }
    }
}
