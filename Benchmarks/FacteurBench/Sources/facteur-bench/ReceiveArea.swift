import Glibc

/// One reusable memory area that replies are received into, at the write offset: no allocation
/// per `recv`, no copy of a body out of it. The unread bytes are `read..<write`; offsets handed out
/// while a reply is parsed are relative to `read`, because making room may move the unread bytes
/// to the front.
final class ReceiveArea {
    private(set) var base: UnsafeMutableRawPointer
    private var capacity: Int
    private var read = 0
    private var write = 0

    init(capacity: Int = 8 << 20) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// How many unread bytes there are.
    var available: Int { write - read }

    /// The unread byte at `offset` (relative to the first unread byte).
    subscript(offset: Int) -> UInt8 { base.load(fromByteOffset: read + offset, as: UInt8.self) }

    /// The first unread byte's address: valid until the next `fill`.
    var unread: UnsafeMutableRawPointer { base + read }

    /// Receives once more from `connection`, making room first when the area is full.
    func fill(from connection: TCPConnection) throws(BenchError) {
        if write == capacity { makeRoom() }
        write += try connection.receive(into: base + write, capacity: capacity - write)
    }

    /// Marks `count` bytes as read; once everything is, the next reply starts at the front again.
    func consume(_ count: Int) {
        read += count
        if read == write { read = 0; write = 0 }
    }

    /// The unread bytes in `range` as an array (for short things: status lines, listings).
    func bytes(_ range: Range<Int>) -> [UInt8] {
        [UInt8](UnsafeRawBufferPointer(start: base + read + range.lowerBound, count: range.count))
    }

    /// Moves the unread bytes to the front, or doubles the area when they fill half of it.
    private func makeRoom() {
        let pending = write - read
        if read == 0 || pending > capacity / 2 {
            let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 16)
            larger.copyMemory(from: base + read, byteCount: pending)
            base.deallocate()
            base = larger
            capacity *= 2
        } else {
            memmove(base, base + read, pending)
        }
        read = 0
        write = pending
    }
}
