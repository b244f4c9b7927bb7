// What a SCRAM exchange learns from the store before it answers the client's first message.
import MailStore

/// The salt and iteration count to send, and the keys a proof may match. For an unknown user or
/// an account without keys, `account` is nil or `candidates` empty and the salt is a decoy.
struct SCRAMLookup: Sendable {
    var account: Account?
    var salt: [UInt8]
    var iterations: Int
    var candidates: [SCRAMCredentials]
}
