/// RFC 4790 collations as Sieve uses them (RFC 5228 §2.7.3). Values are compared as prepared keys:
/// the casemap folds ASCII letters only, as i;ascii-casemap defines.
enum SieveComparator: String, Sendable, Equatable {
    case octet = "i;octet"                      // RFC 4790 §9.3
    case asciiCasemap = "i;ascii-casemap"       // RFC 4790 §9.2
    case asciiNumeric = "i;ascii-numeric"       // RFC 4790 §9.1

    /// Whether substring operations (:contains, :matches) are defined (RFC 4790 §9.1: not for numeric).
    var supportsSubstring: Bool { self != .asciiNumeric }

    /// The form compared scalar by scalar.
    func key(_ value: String) -> [Unicode.Scalar] {
        switch self {
        case .octet, .asciiNumeric: Array(value.unicodeScalars)
        case .asciiCasemap: value.unicodeScalars.map(Self.fold)
        }
    }

    static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.value >= 0x41 && scalar.value <= 0x5A ? Unicode.Scalar(UInt8(truncatingIfNeeded: scalar.value + 0x20)) : scalar
    }

    /// RFC 4790 §9.1: the number is the leading digits; a string that starts with none is +infinity.
    static func numericValue(_ value: String) -> [UInt8]? {
        var digits = Array(value.utf8.prefix { $0 >= 0x30 && $0 <= 0x39 })
        guard !digits.isEmpty else { return nil }
        while digits.count > 1, digits.first == 0x30 { digits.removeFirst() }
        return digits
    }

    /// Three-way ordering: negative, zero, positive.
    func compare(_ lhs: String, _ rhs: String) -> Int {
        switch self {
        case .asciiNumeric:
            switch (Self.numericValue(lhs), Self.numericValue(rhs)) {
            case (nil, nil): return 0
            case (nil, _): return 1
            case (_, nil): return -1
            case let (left?, right?):
                if left.count != right.count { return left.count < right.count ? -1 : 1 }
                return Self.compareSequences(left, right)
            }
        case .octet:
            return Self.compareSequences(Array(lhs.utf8), Array(rhs.utf8))
        case .asciiCasemap:
            return Self.compareSequences(lhs.utf8.map(Self.foldByte), rhs.utf8.map(Self.foldByte))
        }
    }

    func equals(_ lhs: String, _ rhs: String) -> Bool {
        switch self {
        case .octet: lhs.utf8.elementsEqual(rhs.utf8)
        case .asciiCasemap: lhs.utf8.count == rhs.utf8.count
            && zip(lhs.utf8, rhs.utf8).allSatisfy { Self.foldByte($0) == Self.foldByte($1) }
        case .asciiNumeric: compare(lhs, rhs) == 0
        }
    }

    /// Substring search in linear time (Knuth-Morris-Pratt), so a long body and a long key never
    /// cost their product.
    func contains(_ haystack: String, _ needle: String) -> Bool {
        if needle.isEmpty { return true }
        let pin = needle.utf8.map(foldIfNeeded)
        var failure = [Int](repeating: 0, count: pin.count)
        var matched = 0
        for index in 1..<max(1, pin.count) {
            while matched > 0 && pin[index] != pin[matched] { matched = failure[matched - 1] }
            if pin[index] == pin[matched] { matched += 1 }
            failure[index] = matched
        }
        matched = 0
        for byte in haystack.utf8 {
            let folded = foldIfNeeded(byte)
            while matched > 0 && folded != pin[matched] { matched = failure[matched - 1] }
            if folded == pin[matched] { matched += 1 }
            if matched == pin.count { return true }
        }
        return false
    }

    private func foldIfNeeded(_ byte: UInt8) -> UInt8 { self == .asciiCasemap ? Self.foldByte(byte) : byte }

    private static func foldByte(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    private static func compareSequences(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        for (left, right) in zip(lhs, rhs) where left != right { return left < right ? -1 : 1 }
        return lhs.count == rhs.count ? 0 : (lhs.count < rhs.count ? -1 : 1)
    }
}
