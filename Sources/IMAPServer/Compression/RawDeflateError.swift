// Why a COMPRESS=DEFLATE stream stopped: the connection closes, the session sees it end.

/// A zlib failure in the COMPRESS=DEFLATE layer (RFC 4978). Carries zlib's return code so the
/// log says which; never reaches a client (the connection simply closes).
public struct RawDeflateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// zlib's return code (`Z_DATA_ERROR`, `Z_MEM_ERROR`, ...), or 1 (`Z_STREAM_END`) when the
    /// client ended its stream and sent more.
    public let code: Int32
    /// What was being done: "deflateInit2", "inflate", ...
    public let operation: String

    public var description: String { "zlib \(operation) failed (\(code))" }
}
