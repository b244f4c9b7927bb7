// The stored envelope's JSON, written by hand: JSONEncoder cost about 1.5 % of a delivery's CPU
// (a boxed encoder, a key sort and a dictionary per object for every copy). The bytes are exactly
// what `JSONEncoder` with `.sortedKeys` writes for `DeliveryEnvelope`, so rows written before and
// after read the same; DeliveryEnvelopeJSONTests compares the two on a table of envelopes.
import Foundation

extension DeliveryEnvelope {
    /// Sorted-key JSON of this envelope, byte-identical to `JSONEncoder` with `.sortedKeys`
    /// (keys in code-unit order; nil optionals left out, as synthesized `Codable` does).
    func sortedKeyJSON() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(96 + reversePath.utf8.count + recipients.count * 64)
        out.append(UInt8(ascii: "{"))
        var first = true
        // Key order: body, dsnEnvelopeID, dsnReturn, recipients, reversePath, smtpUTF8.
        if let body { Self.member("body", body, into: &out, first: &first) }
        if let dsnEnvelopeID { Self.member("dsnEnvelopeID", dsnEnvelopeID, into: &out, first: &first) }
        if let dsnReturn { Self.member("dsnReturn", dsnReturn, into: &out, first: &first) }
        Self.key("recipients", into: &out, first: &first)
        out.append(UInt8(ascii: "["))
        for (index, recipient) in recipients.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            var firstInRecipient = true
            // Key order: address, notify, originalRecipient.
            Self.member("address", recipient.address, into: &out, first: &firstInRecipient)
            if let notify = recipient.notify { Self.member("notify", notify, into: &out, first: &firstInRecipient) }
            if let original = recipient.originalRecipient {
                Self.member("originalRecipient", original, into: &out, first: &firstInRecipient)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        Self.member("reversePath", reversePath, into: &out, first: &first)
        Self.key("smtpUTF8", into: &out, first: &first)
        out.append(contentsOf: smtpUTF8 ? Array("true".utf8) : Array("false".utf8))
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func key(_ name: StaticString, into out: inout [UInt8], first: inout Bool) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private static func member(_ name: StaticString, _ value: String, into out: inout [UInt8], first: inout Bool) {
        key(name, into: &out, first: &first)
        appendJSONString(value, into: &out)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A JSON string as JSONEncoder escapes it: quote, backslash and slash escaped, the short
    /// escapes for BS, TAB, LF, FF and CR, `\u00xx` for other controls, everything else (DEL,
    /// non-ASCII) as UTF-8 bytes.
    static func appendJSONString(_ value: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                out.append(UInt8(ascii: "\\"))
                out.append(byte)
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0..<0x20:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
