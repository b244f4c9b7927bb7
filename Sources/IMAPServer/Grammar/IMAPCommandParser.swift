// Turns one framed command into an `IMAPCommand` (RFC 9051 §6, RFC 3501 §6, extensions).

/// Parses client commands. Stateless: the session passes the options its state implies
/// (mailbox encoding after ENABLE UTF8=ACCEPT / IMAP4rev2) and decides what is allowed when.
public enum IMAPCommandParser {
    public struct Options: Sendable, Equatable {
        public var mailboxEncoding: IMAPMailboxEncoding
        public var limits: IMAPGrammarLimits

        public init(mailboxEncoding: IMAPMailboxEncoding = .modifiedUTF7, limits: IMAPGrammarLimits = IMAPGrammarLimits()) {
            self.mailboxEncoding = mailboxEncoding
            self.limits = limits
        }
    }

    // command         = tag SP (command-any / command-auth /
    //                   command-nonauth / command-select) CRLF            (RFC 9051 §9)
    /// Parses one frame. The error carries the tag when one could be read.
    public static func parse(_ frame: IMAPCommandFrame, options: Options = Options()) throws(IMAPParseError) -> IMAPCommand {
        var cursor = IMAPParseCursor(frame, options: options)
        if frame.bytes.contains(0), !frame.bytes.isEmpty, frame.streamedLiterals.isEmpty, !containsLiteral8(frame.bytes) {
            // RFC 9051 §9 note 3: NUL only inside literal8. Checked up front so that no NUL-bearing
            // text reaches a String (literal8 content is checked where it is parsed).
            var tagCursor = cursor
            let tag = try? tagCursor.parseTag()
            throw IMAPParseError(.syntax, "NUL byte in command", tag: tag, offset: frame.bytes.firstIndex(of: 0) ?? 0)
        }
        let tag = try cursor.parseTag()
        do throws(IMAPParseError) {
            guard cursor.consume(UInt8(ascii: " ")) else {
                throw cursor.error(cursor.isAtEnd ? "missing command name" : "expected a space after the tag")
            }
            let kind = try cursor.parseCommandKind()
            guard cursor.isAtEnd else {
                throw cursor.error(cursor.peek() == UInt8(ascii: ")") ? "unbalanced parentheses" : "unexpected text after the command")
            }
            return IMAPCommand(tag: tag, kind)
        } catch {
            var tagged = error
            tagged.tag = tag
            throw tagged
        }
    }

    /// The mailbox of an APPEND whose first literal the framer announced
    /// (`IMAPLiteralAnnouncement.appendPrefix`), so the session can answer `NO [TRYCREATE]` or
    /// `NO [TOOBIG]` before accepting the literal (RFC 9051 §6.3.12, RFC 7889 §4).
    public static func parseAppendMailbox(_ prefix: IMAPCommandFrame, options: Options = Options()) throws(IMAPParseError) -> IMAPMailboxName {
        var cursor = IMAPParseCursor(prefix, options: options)
        let tag = try cursor.parseTag()
        do throws(IMAPParseError) {
            try cursor.expectSpace()
            guard cursor.consumeKeyword("APPEND") else { throw cursor.error("not an APPEND command") }
            try cursor.expectSpace()
            return try cursor.parseMailbox()
        } catch {
            var tagged = error
            tagged.tag = tag
            throw tagged
        }
    }

    /// RFC 2177 §3 / RFC 9051 §6.3.13: the line that ends IDLE is exactly "DONE" (any case).
    public static func isIdleDone(_ frame: IMAPCommandFrame) -> Bool {
        frame.bytes.count == 4 && String(decoding: frame.bytes, as: UTF8.self).uppercased() == "DONE"
    }

    /// A client line during AUTHENTICATE (RFC 9051 §6.2.2): base64 data, or "*" to cancel.
    public enum SASLContinuation: Sendable, Equatable {
        case response([UInt8])
        case cancel
    }

    // authenticate    = "AUTHENTICATE" SP auth-type [SP initial-resp]
    //                   *(CRLF base64)                                   (RFC 9051 §9)
    public static func parseSASLContinuation(_ frame: IMAPCommandFrame) throws(IMAPParseError) -> SASLContinuation {
        if frame.bytes == [UInt8(ascii: "*")] { return .cancel }
        guard let decoded = IMAPBase64.decode(frame.bytes) else {
            throw IMAPParseError(.syntax, "invalid base64 in authentication response")
        }
        return .response(decoded)
    }

    private static func containsLiteral8(_ bytes: [UInt8]) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if previous == UInt8(ascii: "~") && byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }
}
