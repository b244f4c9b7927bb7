// Reads one blob file piece by piece, so a 50 MB message is never held whole in memory.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open blob file read sequentially. `@unchecked Sendable`: the stream that owns it calls
/// `next` strictly one call after another (the first on the reader that opened it, the rest from
/// AsyncThrowingStream's unfolding closure on the store's file queue), so `fd` and `offset` are
/// never touched concurrently.
final class BlobFileReader: @unchecked Sendable {
    private var fd: Int32
    private var offset = 0
    let expectedSize: Int

    init(url: URL, expectedSize: Int) throws(StoreError) {
        fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("message content") }
        self.expectedSize = expectedSize
    }

    deinit { close() }

    /// Everything was read (the file is closed then): a consumer can stop without one more call.
    var isAtEnd: Bool { offset >= expectedSize }

    /// The next `count` octets or fewer, in an array of their own; nil at the end. A file shorter
    /// than recorded is an error, never silently short data.
    func next(_ count: Int) throws(StoreError) -> [UInt8]? {
        do {
            return try next(count) { wanted, read in
                // Uninitialised: pread fills it, and zeroing a MiB per chunk first was wasted work.
                try [UInt8](unsafeUninitializedCapacity: wanted) { buffer, initialized in
                    try read(UnsafeMutableRawBufferPointer(buffer))
                    initialized = wanted
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .backend("blob file read: \(error)")
        }
    }

    /// The next `count` octets or fewer, read by `pread` straight into the memory `fill` makes
    /// (see `MailStore.messageChunks(_:chunkSize:fill:)`); nil at the end. The piece is read in
    /// full: a file shorter than recorded is an error.
    func next<Output>(_ count: Int,
                      fill: (_ count: Int, _ read: (UnsafeMutableRawBufferPointer) throws -> Void) throws -> Output)
        throws -> Output? {
        guard fd >= 0, offset < expectedSize else {
            close()
            return nil
        }
        let wanted = min(count, expectedSize - offset)
        let start = offset
        let descriptor = fd
        var filled = false
        let output: Output
        do {
            output = try fill(wanted) { destination in
                guard destination.count >= wanted, let base = destination.baseAddress, !filled else {
                    throw StoreError.backend("chunk buffer too small")
                }
                var done = 0
                while done < wanted {
                    let got = pread(descriptor, base + done, wanted - done, off_t(start + done))
                    if got < 0, errno == EINTR { continue }
                    guard got > 0 else { throw StoreError.backend("blob file is shorter than recorded") }
                    done += got
                }
                filled = true
            }
        } catch {
            close()   // a short file stays short: no later call reads on
            throw error
        }
        guard filled else {
            close()
            throw StoreError.backend("chunk was not read")
        }
        offset += wanted
        if offset >= expectedSize { close() }
        return output
    }

    func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
