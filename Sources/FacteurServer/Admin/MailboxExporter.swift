// `facteur export`: the stored messages, byte for byte, as mbox or Maildir, for backups and moves.
import Foundation
import MailStore

public enum MailboxFormat: String, Sendable, CaseIterable {
    case mbox, maildir
}

public enum ExportError: Error, CustomStringConvertible {
    case unknownAccount(String)
    case unknownMailbox(String)
    case maildirNeedsOutput
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .unknownAccount(let address): return "no account '\(address)'"
        case .unknownMailbox(let name): return "no mailbox '\(name)'"
        case .maildirNeedsOutput: return "--format maildir needs --output DIRECTORY"
        case .cannotWrite(let path): return "cannot write '\(path)'"
        }
    }
}

public struct MailboxExporter: Sendable {
    let store: any MailStore

    public init(store: any MailStore) {
        self.store = store
    }

    /// mbox: one mailbox (default INBOX) to `output` or, when nil, to `write` (stdout).
    /// maildir: `output` is a directory; without `mailbox` the whole account as Maildir++.
    /// Returns the number of messages written.
    @discardableResult
    public func export(address: String, mailbox: String?, format: MailboxFormat, output: URL?,
                       write: (([UInt8]) -> Void)? = nil) async throws -> Int {
        guard let account = try await store.account(address: address) else { throw ExportError.unknownAccount(address) }
        switch format {
        case .mbox:
            let box = try await requireMailbox(account, mailbox ?? "INBOX")
            var sink: ([UInt8]) throws -> Void
            var handle: FileHandle?
            if let output {
                guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
                    throw ExportError.cannotWrite(output.path)
                }
                let file = try FileHandle(forWritingTo: output)
                handle = file
                sink = { try file.write(contentsOf: $0) }
            } else {
                sink = { bytes in write?(bytes) }
            }
            defer { try? handle?.close() }
            var count = 0
            for message in try await store.messages(mailboxID: box.id) {
                let bytes = try await store.messageBytes(message)
                try sink(MboxFormat.separatorLine(sender: Self.returnPath(of: bytes), date: message.internalDate))
                try sink(MboxFormat.encode(message: bytes))
                count += 1
            }
            return count
        case .maildir:
            guard let output else { throw ExportError.maildirNeedsOutput }
            let boxes: [Mailbox]
            if let mailbox {
                boxes = [try await requireMailbox(account, mailbox)]
            } else {
                boxes = try await store.mailboxes(accountID: account.id)
            }
            var count = 0
            for box in boxes {
                let folder = mailbox == nil ? MaildirFormat.folderName(forMailbox: box.name) : nil
                let root = folder.map { output.appendingPathComponent($0) } ?? output
                for sub in ["cur", "new", "tmp"] {
                    try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
                }
                for message in try await store.messages(mailboxID: box.id) {
                    let bytes = try await store.messageBytes(message)
                    let seconds = Int(message.internalDate.timeIntervalSince1970)
                    let name = "\(seconds).F\(box.uidValidity)U\(message.uid).facteur,S=\(bytes.count)"
                        + MaildirFormat.info(for: message.flags)
                    let file = root.appendingPathComponent("cur").appendingPathComponent(name)
                    guard FileManager.default.createFile(atPath: file.path, contents: Data(bytes)) else {
                        throw ExportError.cannotWrite(file.path)
                    }
                    // Maildir readers take the received date from the file's modification time.
                    try FileManager.default.setAttributes([.modificationDate: message.internalDate], ofItemAtPath: file.path)
                    count += 1
                }
            }
            return count
        }
    }

    private func requireMailbox(_ account: Account, _ name: String) async throws -> Mailbox {
        guard let box = try await store.mailbox(accountID: account.id, name: name) else { throw ExportError.unknownMailbox(name) }
        return box
    }

    /// The address in the stored Return-Path field, for the mbox separator line.
    static func returnPath(of message: [UInt8]) -> String {
        let prefix = Array("Return-Path: <".utf8)
        guard message.count > prefix.count, Array(message.prefix(prefix.count)) == prefix,
              let end = message[prefix.count...].firstIndex(of: UInt8(ascii: ">")) else { return "" }
        return String(decoding: message[prefix.count..<end], as: UTF8.self)
    }
}
