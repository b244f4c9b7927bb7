// Whether a search involves CONDSTORE, which changes what the SEARCH responses carry.

extension IMAPSearchKey {
    /// Whether a MODSEQ key appears anywhere in the key, which makes SEARCH report the highest
    /// mod-sequence (RFC 7162 §3.1.5) and enables CONDSTORE for the session (RFC 7162 §3.1).
    /// Iterative, so any key is safe, however it was built.
    public var mentionsModSequence: Bool {
        var pending = [self]
        while let key = pending.popLast() {
            switch key {
            case .modSequence: return true
            case .not(let inner): pending.append(inner)
            case .or(let first, let second): pending += [first, second]
            case .and(let keys): pending += keys
            default: continue
            }
        }
        return false
    }
}
