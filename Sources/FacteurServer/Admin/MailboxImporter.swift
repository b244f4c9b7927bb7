// `facteur import`: brings an mbox file or a Maildir (with Maildir++ sub-folders) into an account,
// keeping flags and dates. Each message is parsed once, like a delivery, and appended in batches.
import Delivery
import Foundation
import MailStore

public enum ImportError: Error, CustomStringConvertible {
    case unknownAccount(String)
    case unreadable(String)
    case notAMaildir(String)

    public var description: String {
        switch self {
        case .unknownAccount(let address): return "no account '\(address)'"
        case .unreadable(let path): return "cannot read '\(path)'"
        case .notAMaildir(let path): return "'\(path)' is not a Maildir (no cur/ folder)"
        }
    }
}

public struct MailboxImporter: Sendable {
    let store: any MailStore
    /// Messages per append call: one transaction, one fsync.
    let batchSize = 200
    /// A message larger than this in an mbox file is refused rather than held in memory.
    let maxMessageSize: Int

    public init(store: any MailStore, maxMessageSize: Int = 52_428_800) {
        self.store = store
        self.maxMessageSize = maxMessageSize
    }

    /// Returns the number of messages imported.
    @discardableResult
    public func importMessages(address: String, format: MailboxFormat, path: URL, mailbox: String?) async throws -> Int {
        guard let account = try await store.account(address: address) else { throw ImportError.unknownAccount(address) }
        switch format {
        case .mbox:
            let target = try await ensureMailbox(account, mailbox ?? "INBOX")
            var batch: [AppendRequest] = []
            var count = 0
            let reader = try MboxReader(url: path, maxMessageSize: maxMessageSize)
            while let (separator, lines) = try reader.next() {
                let bytes = MboxFormat.decode(lines: lines)
                let prepared = MessagePreparer.prepare(bytes)
                let date = MboxFormat.date(ofSeparator: separator) ?? prepared.sentDate ?? Date()
                batch.append(request(account, target, prepared, flags: MboxFormat.flags(fromHeaderOf: bytes), date: date))
                if batch.count >= batchSize { count += try await flush(&batch) }
            }
            count += try await flush(&batch)
            return count
        case .maildir:
            guard MaildirFormat.isMaildir(path) else { throw ImportError.notAMaildir(path.path) }
            var folders: [(URL, String)] = [(path, mailbox ?? "INBOX")]
            if mailbox == nil {
                let entries = (try? FileManager.default.contentsOfDirectory(atPath: path.path)) ?? []
                for entry in entries.sorted() where entry.hasPrefix(".") && entry != "." && entry != ".." {
                    let folder = path.appendingPathComponent(entry)
                    if MaildirFormat.isMaildir(folder) { folders.append((folder, MaildirFormat.mailboxName(forFolder: entry))) }
                }
            }
            var count = 0
            for (folder, name) in folders {
                let target = try await ensureMailbox(account, name)
                var batch: [AppendRequest] = []
                for sub in ["new", "cur"] {
                    let directory = folder.appendingPathComponent(sub)
                    let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).sorted()
                    for file in files where !file.hasPrefix(".") {
                        let url = directory.appendingPathComponent(file)
                        guard let data = FileManager.default.contents(atPath: url.path) else { throw ImportError.unreadable(url.path) }
                        let bytes = Self.crlf(Array(data))
                        let prepared = MessagePreparer.prepare(bytes)
                        let modified = (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
                        batch.append(request(account, target, prepared, flags: MaildirFormat.flags(fromFileName: file),
                                             date: modified ?? prepared.sentDate ?? Date()))
                        if batch.count >= batchSize { count += try await flush(&batch) }
                    }
                }
                count += try await flush(&batch)
            }
            return count
        }
    }

    private func request(_ account: Account, _ mailbox: Mailbox, _ prepared: PreparedMessage, flags: [String], date: Date) -> AppendRequest {
        AppendRequest(accountID: account.id, mailbox: .id(mailbox.id), content: prepared.content, flags: flags,
                      internalDate: date, metadata: prepared.metadata, searchFields: prepared.searchFields,
                      enforceQuota: false)
    }

    private func flush(_ batch: inout [AppendRequest]) async throws -> Int {
        guard !batch.isEmpty else { return 0 }
        let results = try await store.append(batch)
        batch.removeAll(keepingCapacity: true)
        for result in results {
            if case .failure(let error) = result { throw error }
        }
        return results.count
    }

    private func ensureMailbox(_ account: Account, _ name: String) async throws -> Mailbox {
        if let box = try await store.mailbox(accountID: account.id, name: name) { return box }
        return try await store.createMailbox(accountID: account.id, name: name, specialUse: nil)
    }

    /// Maildir files usually end lines in LF; stored messages use CRLF (RFC 5322 §2.1). Files that
    /// already use CRLF are kept byte for byte.
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\n")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 40)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { output.append(13) }
            output.append(byte)
            previous = byte
        }
        return output
    }
}

/// Reads an mbox file message by message in bounded memory (1 MiB reads, one message at a time).
final class MboxReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEOF = false
    private var pendingSeparator: ArraySlice<UInt8>?
    private let maxMessageSize: Int

    init(url: URL, maxMessageSize: Int) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { throw ImportError.unreadable(url.path) }
        self.handle = handle
        self.maxMessageSize = maxMessageSize
    }

    deinit { try? handle.close() }

    /// The next message's separator line and its lines (LF removed), or nil at the end.
    func next() throws -> (ArraySlice<UInt8>, [ArraySlice<UInt8>])? {
        var separator = pendingSeparator
        pendingSeparator = nil
        var lines: [ArraySlice<UInt8>] = []
        var size = 0
        while let line = try readLine() {
            if MboxFormat.isSeparator(line), separator == nil || lines.last?.isEmpty == true || lines.isEmpty {
                if separator == nil { separator = line; continue }
                pendingSeparator = line
                return (separator ?? [], lines)
            }
            if separator == nil { continue }  // text before the first separator is not a message
            size += line.count + 2
            if size > maxMessageSize { throw ImportError.unreadable("message over \(maxMessageSize) bytes in mbox") }
            lines.append(line)
        }
        guard let separator else { return nil }
        return (separator, lines)
    }

    private func readLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = ArraySlice(Array(buffer[position..<newline]))
                position = newline + 1
                return line
            }
            if atEOF {
                guard position < buffer.count else { return nil }
                let line = ArraySlice(Array(buffer[position...]))
                position = buffer.count
                return line
            }
            buffer.removeFirst(position)
            position = 0
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEOF = true
            }
        }
    }
}
