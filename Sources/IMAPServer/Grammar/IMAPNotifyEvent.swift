// One event name of NOTIFY SET (RFC 5465 §5, §8 `event`).

/// What a client asks to be told about. Unknown names are kept (`other`) so the session can
/// refuse them with `NO [BADEVENT]` rather than BAD (RFC 5465 §3.1).
public enum IMAPNotifyEvent: Sendable, Equatable {
    /// With the fetch attributes to send for each new message (SELECTED filters only, §5.2).
    case messageNew([IMAPFetchAttribute])
    case messageExpunge
    case flagChange
    case annotationChange
    case mailboxName
    case subscriptionChange
    case mailboxMetadataChange
    case serverMetadataChange
    /// An `event-ext` atom this server does not know, uppercased.
    case other(String)

    /// The events this server delivers, for the BADEVENT response code (RFC 5465 §3.1: it MUST
    /// list every supported event).
    public static let supportedNames = ["MessageNew", "MessageExpunge", "FlagChange", "MailboxName", "SubscriptionChange"]

    /// `message-event` (RFC 5465 §8): allowed with SELECTED and SELECTED-DELAYED.
    public var isMessageEvent: Bool {
        switch self {
        case .messageNew, .messageExpunge, .flagChange, .annotationChange: return true
        default: return false
        }
    }

    /// Whether this server implements it; the others get `NO [BADEVENT]`.
    public var isSupported: Bool {
        switch self {
        case .messageNew, .messageExpunge, .flagChange, .mailboxName, .subscriptionChange: return true
        case .annotationChange, .mailboxMetadataChange, .serverMetadataChange, .other: return false
        }
    }
}
