import MailMessage

/// The header as Sieve tests see it: the message's fields plus editheader changes (RFC 5293 §5:
/// tests after addheader/deleteheader see the edited header). Values are decoded once, lazily.
struct SieveHeaderEditor: Sendable {
    struct Field: Sendable {
        var name: String
        /// Unfolded value with RFC 2047 words decoded (RFC 5228 §2.7.2).
        var value: String
    }

    private(set) var fields: [Field]
    private(set) var isEdited = false

    init(header: HeaderFields) {
        fields = header.fields.compactMap { field in
            field.isMalformed ? nil : Field(name: field.name, value: EncodedWord.decode(field.value))
        }
    }

    func values(named name: String) -> [String] {
        fields.compactMap { equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    func exists(_ name: String) -> Bool {
        fields.contains { equalsIgnoringCase($0.name, name) }
    }

    /// RFC 5293 §4: field-name = 1*FTEXT, FTEXT = %d33-57 / %d59-126 (printable except ':').
    static func isValidFieldName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 997 && name.utf8.allSatisfy { $0 >= 33 && $0 <= 126 && $0 != 58 }
    }

    /// RFC 5293 §6: deleting or adding these must be silently ignored.
    static func isProtected(_ name: String) -> Bool {
        ["received", "auto-submitted"].contains(name.lowercased())
    }

    mutating func add(_ name: String, value: String, last: Bool) {
        isEdited = true
        let field = Field(name: name, value: value)
        if last { fields.append(field) } else { fields.insert(field, at: 0) }
    }

    /// Removes the occurrences of `name` (1-based among same-named fields) for which `shouldDelete`
    /// holds; returns the removed occurrence numbers, highest first, so a caller can replay them.
    mutating func delete(_ name: String, shouldDelete: (Int, String) -> Bool) -> [Int] {
        var occurrence = 0
        var removed: [Int] = []
        var kept: [Field] = []
        for field in fields {
            guard equalsIgnoringCase(field.name, name) else {
                kept.append(field)
                continue
            }
            occurrence += 1
            if shouldDelete(occurrence, field.value) { removed.append(occurrence) } else { kept.append(field) }
        }
        if !removed.isEmpty {
            fields = kept
            isEdited = true
        }
        return removed.reversed()
    }

    func count(named name: String) -> Int {
        fields.reduce(0) { $0 + (equalsIgnoringCase($1.name, name) ? 1 : 0) }
    }

    private func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        // Field names are ASCII (RFC 5322 §2.2); fold bytes without allocating.
        lhs.utf8.count == rhs.utf8.count && zip(lhs.utf8, rhs.utf8).allSatisfy { left, right in
            left == right || (left | 0x20 == right | 0x20 && (left | 0x20) >= 0x61 && (left | 0x20) <= 0x7A)
        }
    }
}
