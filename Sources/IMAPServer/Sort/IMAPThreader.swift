// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3). Trees are index arrays, never
// recursive values: a chain of replies can be as deep as the mailbox is large, and every walk
// here is a loop with an explicit stack.

import Foundation
import MailMessage

/// Builds the THREAD response for matched messages. Pure: tested without a store or a session.
public enum IMAPThreader {
    /// The threads of `messages` by `algorithm`, numbered by UID when `byUID`.
    public static func thread(_ messages: [SortableMessage], algorithm: IMAPThreadAlgorithm, byUID: Bool) -> IMAPThreadList {
        var forest = ThreadForest(messages: messages.sorted { $0.sequenceNumber < $1.sequenceNumber })
        switch algorithm {
        case .orderedSubject: forest.buildOrderedSubject()
        case .references: forest.buildReferences()
        }
        return forest.list(byUID: byUID)
    }
}

/// Containers (messages and dummies) with parent and child links by index.
struct ThreadForest {
    struct Container {
        /// Index into `messages`; nil for a dummy.
        var message: Int?
        var parent: Int?
        var children: [Int] = []
    }

    let messages: [SortableMessage]
    var containers: [Container] = []
    /// Children of the root, in order.
    var roots: [Int] = []

    init(messages: [SortableMessage]) {
        self.messages = messages
    }

    // MARK: ORDEREDSUBJECT

    /// RFC 5256 §3 ORDEREDSUBJECT: group by base subject; the first message (by sent date) of
    /// each group is the root, the others its children; groups ordered by their first message.
    mutating func buildOrderedSubject() {
        let order = messages.indices.sorted { lhs, rhs in
            let a = messages[lhs], b = messages[rhs]
            if a.subjectKey != b.subjectKey { return SortCollation.less(a.subjectKey, b.subjectKey) }
            return Self.dateOrder(a, b)
        }
        var index = 0
        while index < order.count {
            let head = addContainer(message: order[index])
            roots.append(head)
            var next = index + 1
            while next < order.count, messages[order[next]].subjectKey == messages[order[index]].subjectKey {
                link(child: addContainer(message: order[next]), to: head)
                next += 1
            }
            index = next
        }
        roots.sort { Self.dateOrder(messages[containers[$0].message ?? 0], messages[containers[$1].message ?? 0]) }
    }

    // MARK: REFERENCES

    /// RFC 5256 §3 REFERENCES, steps 1 to 6.
    mutating func buildReferences() {
        var byID: [String: Int] = [:]
        // (1) Link each message and its references.
        for index in messages.indices {
            let message = messages[index]
            let container: Int
            if let id = message.messageID, let existing = byID[id], containers[existing].message == nil {
                container = existing                           // a dummy made by an earlier reference
                containers[existing].message = index
            } else {
                container = addContainer(message: index)       // no id, or a duplicate: a unique one
                if let id = message.messageID, byID[id] == nil { byID[id] = container }
            }
            // (1.A) Each reference is the parent of the next, unless it already has a parent.
            var previous: Int?
            for reference in message.references {
                let current: Int
                if let existing = byID[reference] {
                    current = existing
                } else {
                    current = addContainer(message: nil)
                    byID[reference] = current
                }
                if let previous, containers[current].parent == nil, !wouldLoop(child: current, parent: previous) {
                    link(child: current, to: previous)
                }
                previous = current
            }
            // (1.B) The last reference is this message's parent, replacing any earlier guess.
            unlinkFromParent(container)
            if let previous, !wouldLoop(child: container, parent: previous) {
                link(child: container, to: previous)
            }
        }
        // (2) Parentless containers are the roots.
        roots = containers.indices.filter { containers[$0].parent == nil }
        pruneDummies()
        // (4) Order the roots by date (a dummy by its earliest child).
        for root in roots where containers[root].message == nil { sortChildren(root) }
        roots.sort(by: isBefore)
        mergeBySubject()
        // (6) Every set of siblings by date, deepest first.
        sortAllSiblings()
    }

    /// (3) Dummies without children go; dummies with children are replaced by them, except at
    /// the root where that would add more than one root.
    private mutating func pruneDummies() {
        var pending: [Int?] = [nil]                         // nil: the root level
        while let level = pending.popLast() {
            var list = level.map { containers[$0].children } ?? roots
            var position = 0
            while position < list.count {
                let node = list[position]
                guard containers[node].message == nil else { position += 1; continue }
                let children = containers[node].children
                if children.isEmpty {
                    list.remove(at: position)
                } else if level != nil || children.count == 1 {
                    list.replaceSubrange(position...position, with: children)
                    for child in children { containers[child].parent = level }
                    containers[node].children = []
                    // The promoted children are examined again at this level.
                } else {
                    position += 1
                }
            }
            if let level { containers[level].children = list } else { roots = list }
            pending.append(contentsOf: list.map { Optional($0) })
        }
    }

    /// (5) Roots with the same base subject become one thread.
    private mutating func mergeBySubject() {
        var table: [[UInt8]: Int] = [:]
        // (5.B) One container per subject: a dummy wins, then a non-reply over a reply.
        for root in roots {
            guard let subject = threadSubject(root) else { continue }
            guard let held = table[subject] else { table[subject] = root; continue }
            if containers[held].message != nil
                && (containers[root].message == nil || (isReply(held) && !isReply(root))) {
                table[subject] = root
            }
        }
        // (5.C) Merge each other root into the table's container. Removal and replacement are
        // recorded and applied once, so the pass stays linear in the number of roots.
        var removed = Set<Int>()
        var replacement: [Int: Int] = [:]           // a root → the dummy that took its place
        for root in roots where containers[root].parent == nil && !removed.contains(root) {
            guard let subject = threadSubject(root), let held = table[subject], held != root else { continue }
            let rootIsDummy = containers[root].message == nil, heldIsDummy = containers[held].message == nil
            if rootIsDummy && heldIsDummy {
                let children = containers[root].children
                containers[root].children = []
                for child in children { link(child: child, to: held) }
            } else if heldIsDummy || (isReply(root) && !isReply(held)) {
                link(child: root, to: held)
            } else {
                let dummy = addContainer(message: nil)
                replacement[held] = dummy
                link(child: held, to: dummy)
                link(child: root, to: dummy)
                table[subject] = dummy
            }
            removed.insert(root)
        }
        roots = roots.compactMap { root in
            if let dummy = replacement[root] { return dummy }
            return removed.contains(root) || containers[root].parent != nil ? nil : root
        }
    }

    private mutating func sortAllSiblings() {
        // Breadth-first order, then sorted in reverse: children before their parents.
        var order: [Int] = []
        var queue = roots
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            order.append(node)
            queue.append(contentsOf: containers[node].children)
        }
        for node in order.reversed() { sortChildren(node) }
        roots.sort(by: isBefore)
    }

    // MARK: Helpers

    private mutating func addContainer(message: Int?) -> Int {
        containers.append(Container(message: message))
        return containers.count - 1
    }

    private mutating func link(child: Int, to parent: Int) {
        containers[child].parent = parent
        containers[parent].children.append(child)
    }

    private mutating func unlinkFromParent(_ node: Int) {
        guard let parent = containers[node].parent else { return }
        containers[parent].children.removeAll { $0 == node }
        containers[node].parent = nil
    }

    /// Whether making `parent` the parent of `child` would close a loop: `parent` is `child` or
    /// one of its descendants. The walk up is bounded by the container count.
    private func wouldLoop(child: Int, parent: Int) -> Bool {
        // A childless container has no descendants: the common case, and O(1), so a long reply
        // chain does not cost a walk to its root per message.
        if containers[child].children.isEmpty { return child == parent }
        var current: Int? = parent
        var steps = 0
        while let node = current, steps <= containers.count {
            if node == child { return true }
            current = containers[node].parent
            steps += 1
        }
        return false
    }

    private mutating func sortChildren(_ node: Int) {
        containers[node].children.sort(by: isBefore)
    }

    /// The message a container sorts by: its own, or its first child's for a dummy (children
    /// already sorted). Bounded: dummies only ever hold messages or one level of dummies.
    private func representative(_ node: Int) -> SortableMessage? {
        var current = node
        var steps = 0
        while steps <= containers.count {
            if let message = containers[current].message { return messages[message] }
            guard let first = containers[current].children.first else { return nil }
            current = first
            steps += 1
        }
        return nil
    }

    private func isBefore(_ lhs: Int, _ rhs: Int) -> Bool {
        guard let a = representative(lhs) else { return false }
        guard let b = representative(rhs) else { return true }
        return Self.dateOrder(a, b)
    }

    /// RFC 5256 §2.2: by sent date, ties by sequence number.
    static func dateOrder(_ a: SortableMessage, _ b: SortableMessage) -> Bool {
        a.sentDate != b.sentDate ? a.sentDate < b.sentDate : a.sequenceNumber < b.sequenceNumber
    }

    /// (5.B.i) The base subject of the container, or of its first child for a dummy; nil if empty.
    private func threadSubject(_ node: Int) -> [UInt8]? {
        guard let message = representative(node), !message.subjectKey.isEmpty else { return nil }
        return message.subjectKey
    }

    private func isReply(_ node: Int) -> Bool {
        containers[node].message.map { messages[$0].isReplyOrForward } ?? false
    }

    // MARK: Output

    /// The THREAD response: each root as a thread-list.
    func list(byUID: Bool) -> IMAPThreadList {
        enum Step { case node(Int), close }
        var items: [IMAPThreadList.Item] = []
        var stack: [Step] = []
        for root in roots.reversed() { stack.append(.close); stack.append(.node(root)) }
        // Each .node is preceded by its "(" when it opens a list.
        var opensList = Set(roots)
        while let step = stack.popLast() {
            switch step {
            case .close:
                items.append(.close)
            case .node(let start):
                if opensList.contains(start) { items.append(.open) }
                var node = start
                if let message = containers[node].message {
                    items.append(.number(byUID ? messages[message].uid : messages[message].sequenceNumber))
                    // A single child continues the same list ("3 6").
                    while containers[node].children.count == 1, let child = containers[node].children.first,
                          let childMessage = containers[child].message {
                        items.append(.number(byUID ? messages[childMessage].uid : messages[childMessage].sequenceNumber))
                        node = child
                    }
                }
                // Several children (or a dummy's) nest, each in its own list.
                for child in containers[node].children.reversed() {
                    stack.append(.close)
                    stack.append(.node(child))
                    opensList.insert(child)
                }
            }
        }
        return IMAPThreadList(items)
    }
}
