// COMPRESS (RFC 4978 §3): the session only decides; the framing handler switches the pipeline.

extension IMAPSession {
    mutating func startCompression(_ mechanism: String, tag: String) -> CommandOutcome {
        // RFC 4978 §3: DEFLATE is the only mechanism defined; an unknown argument is BAD.
        guard mechanism == "DEFLATE" else { return .done(.bad("Unknown compression mechanism")) }
        // RFC 4978 §3 allows NO [COMPRESSIONACTIVE] when a layer already compresses; Dovecot
        // answers a second COMPRESS the same way, which tells the client why better than BAD.
        guard !compressionActive else { return .done(.no("DEFLATE is already active", code: .compressionActive)) }
        compressionActive = true
        queue(.tagged(tag: tag, .ok("DEFLATE active")))
        logger.debug("starting COMPRESS=DEFLATE")
        return .continued(.startCompression)
    }
}
