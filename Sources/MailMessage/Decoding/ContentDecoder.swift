/// Transfer decoding of a body (RFC 2045 §6): base64 and quoted-printable; other encodings are
/// identity (7bit, 8bit, binary, and unknown ones, which IMAP reports as they are).
public enum ContentDecoder {
    public static func decode<Bytes: RandomAccessCollection>(_ bytes: Bytes, encoding: String,
                                                             maximumLength: Int = .max) -> [UInt8]
    where Bytes.Element == UInt8, Bytes.Index == Int {
        switch encoding.lowercased() {
        case "base64": return Base64Decoder.decode(bytes, maximumLength: maximumLength)
        case "quoted-printable": return QuotedPrintableDecoder.decode(bytes, maximumLength: maximumLength)
        default: return Array(bytes.prefix(maximumLength))
        }
    }
}
