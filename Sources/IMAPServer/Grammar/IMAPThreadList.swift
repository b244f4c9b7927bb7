// The THREAD response's nested lists as a flat run of tokens: a thread can be thousands of
// replies deep, and a recursive value would recurse to compare, encode and even free it.

/// The threads of a THREAD response, in order, as "(" / number / ")" tokens. Public because the
/// session builds it from the threader and tests compare it with the RFC's examples.
public struct IMAPThreadList: Sendable, Equatable {
    public enum Item: Sendable, Equatable {
        case open
        case number(UInt32)
        case close
    }

    public var items: [Item]

    public init(_ items: [Item] = []) {
        self.items = items
    }

    // thread-list     = "(" (thread-members / thread-nested) ")"
    // thread-members  = nz-number *(SP nz-number) [SP thread-nested]
    // thread-nested   = 2*thread-list                                    (RFC 5256 §5)
    /// The wire form: a space between two numbers and between a number and a nested list, none
    /// elsewhere ("(3 6 (4 23)(44 7 96))").
    public var encoded: String {
        var text = ""
        var previousWasNumber = false
        for item in items {
            switch item {
            case .open:
                if previousWasNumber { text += " " }
                text += "("
                previousWasNumber = false
            case .number(let number):
                if previousWasNumber { text += " " }
                text += String(number)
                previousWasNumber = true
            case .close:
                text += ")"
                previousWasNumber = false
            }
        }
        return text
    }
}
