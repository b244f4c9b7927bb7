// Modified UTF-7 for mailbox names in IMAP4rev1 sessions (RFC 3501 §5.1.3).

/// Converts mailbox names between Unicode and the modified UTF-7 of RFC 3501 §5.1.3, used on
/// the wire unless the client enabled UTF8=ACCEPT or IMAP4rev2 (RFC 6855 §3, RFC 9051 §5.1).
/// Decoding is strict, so that every name has exactly one encoding and names compare equal
/// exactly when their encodings do.
public enum MailboxNameCodec {
    public enum DecodingError: Error, Sendable, Equatable {
        /// A byte outside printable US-ASCII (0x20-0x7E).
        case invalidCharacter(offset: Int)
        /// "&" without a closing "-", or a non-base64 character inside the shift.
        case unterminatedShift(offset: Int)
        /// Base64 that does not decode to valid UTF-16 (odd length, lone surrogate, nonzero padding bits).
        case invalidBase64(offset: Int)
        /// Base64 used for a character that must represent itself, or two shifts back to back.
        case nonCanonical(offset: Int)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    /// RFC 3501 §5.1.3: printable US-ASCII except "&" represents itself, "&" becomes "&-", and
    /// every other run of characters is UTF-16BE in modified base64 ("," for "/", no padding)
    /// between "&" and "-".
    public static func encode(_ name: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            output.append(UInt8(ascii: "&"))
            var bytes: [UInt8] = []
            for unit in pending { bytes.append(UInt8(unit >> 8)); bytes.append(UInt8(unit & 0xFF)) }
            var index = 0
            while index < bytes.count {
                let chunk = bytes[index..<min(index + 3, bytes.count)]
                let b0 = chunk[chunk.startIndex]
                let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
                let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
                output.append(alphabet[Int(b0 >> 2)])
                output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
                if chunk.count > 1 { output.append(alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)]) }
                if chunk.count > 2 { output.append(alphabet[Int(b2 & 0x3F)]) }
                index += 3
            }
            output.append(UInt8(ascii: "-"))
            pending = []
        }
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value <= 0x7E {
                flush()
                output.append(UInt8(scalar.value))
                if scalar == "&" { output.append(UInt8(ascii: "-")) }
            } else {
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a modified UTF-7 name, rejecting anything RFC 3501 §5.1.3 does not produce.
    public static func decode(_ bytes: some Collection<UInt8>) throws(DecodingError) -> String {
        let input = Array(bytes)
        var result = String.UnicodeScalarView()
        var index = 0
        var previousShiftEnd = -1
        while index < input.count {
            let byte = input[index]
            guard byte >= 0x20 && byte <= 0x7E else { throw .invalidCharacter(offset: index) }
            guard byte == UInt8(ascii: "&") else {
                result.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            let shiftStart = index
            index += 1
            var sextets: [UInt8] = []
            while index < input.count, input[index] != UInt8(ascii: "-") {
                guard let value = alphabet.firstIndex(of: input[index]) else { throw .unterminatedShift(offset: shiftStart) }
                sextets.append(UInt8(value))
                index += 1
            }
            guard index < input.count else { throw .unterminatedShift(offset: shiftStart) }
            index += 1   // the "-"
            if sextets.isEmpty {
                result.append("&")
                continue
            }
            // "&AGE-&AGI-" must be written "&AGEAYg-": one shift per run of non-ASCII.
            guard previousShiftEnd != shiftStart else { throw .nonCanonical(offset: shiftStart) }
            previousShiftEnd = index
            let units = try decodeUTF16(sextets, offset: shiftStart)
            var decoded = String.UnicodeScalarView()
            for scalar in UnicodeDecodingResultIterator(units) {
                guard let scalar else { throw .invalidBase64(offset: shiftStart) }
                if scalar.value >= 0x20 && scalar.value <= 0x7E { throw .nonCanonical(offset: shiftStart) }
                decoded.append(scalar)
            }
            result.append(contentsOf: decoded)
        }
        return String(result)
    }

    private static func decodeUTF16(_ sextets: [UInt8], offset: Int) throws(DecodingError) -> [UInt16] {
        var bits: UInt32 = 0
        var bitCount = 0
        var bytes: [UInt8] = []
        for sextet in sextets {
            bits = bits << 6 | UInt32(sextet)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                bytes.append(UInt8((bits >> UInt32(bitCount)) & 0xFF))
            }
        }
        // Leftover bits are padding: fewer than 6 and all zero, and whole UTF-16 units only.
        guard bitCount < 6, bits & ((1 << UInt32(bitCount)) - 1) == 0, bytes.count % 2 == 0, !bytes.isEmpty else {
            throw .invalidBase64(offset: offset)
        }
        var units: [UInt16] = []
        for pair in stride(from: 0, to: bytes.count, by: 2) {
            units.append(UInt16(bytes[pair]) << 8 | UInt16(bytes[pair + 1]))
        }
        return units
    }
}

/// Turns UTF-16 code units into scalars, yielding nil for a lone surrogate.
private struct UnicodeDecodingResultIterator: Sequence, IteratorProtocol {
    private var units: IndexingIterator<[UInt16]>
    private var decoder = UTF16()

    init(_ units: [UInt16]) { self.units = units.makeIterator() }

    mutating func next() -> Unicode.Scalar?? {
        switch decoder.decode(&units) {
        case .scalarValue(let scalar): return .some(scalar)
        case .emptyInput: return nil
        case .error: return .some(nil)
        }
    }
}

