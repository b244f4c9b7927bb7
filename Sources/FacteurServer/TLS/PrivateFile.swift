// Writing key material without a window in which another user could read it.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum PrivateFile {
    /// Creates `path` (and parents) readable only by the owner, as key directories should be.
    static func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw TLSMaterialError(path: path, message: "cannot create the directory: \(error.localizedDescription)")
        }
    }

    /// Writes `text` to a temporary file created with `mode` from the start (never wider), syncs
    /// it, then renames it over `path`, so readers see the old file or the whole new one.
    static func write(_ text: String, to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw TLSMaterialError(path: path, message: "cannot create: \(String(cString: strerror(errno)))")
        }
        // O_CREAT honours the umask; make the mode exact even where the umask is unusual.
        _ = fchmod(descriptor, mode)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        var failure: (any Error)?
        do {
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
        } catch {
            failure = error
        }
        close(descriptor)
        guard failure == nil, rename(temporary, path) == 0 else {
            let reason = failure.map { "\($0)" } ?? String(cString: strerror(errno))
            unlink(temporary)
            throw TLSMaterialError(path: path, message: "cannot write: \(reason)")
        }
    }
}
