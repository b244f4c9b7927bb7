/// pop3-download: log in, LIST, RETR every message (no DELE), one command at a time, the way a
/// desktop client downloads a mailbox. Every RETR's size with dot-stuffing undone is checked
/// against its LIST size, so a server that cuts a message short does not look fast. The same
/// figures, with the same names, as Benchmarks/pop3_download.py (the Python client it replaces in
/// Benchmarks/compare.py).
struct POP3Download {
    /// Messages below this size time the per-command round trip rather than bandwidth.
    static let smallMessage = 16_384

    let host: String
    let port: Int
    let user: String
    let password: String
    /// A run that takes longer stops with an error (each socket call also times out after 120 s).
    var maxSeconds = 300.0
    /// RETRs in flight: 1 is one command at a time, as desktop clients download; more sends the
    /// next RETRs before the answers arrive (RFC 2449 §6.6 PIPELINING, checked in CAPA first), so
    /// no round trip separates two answers and the server's own speed is what shows.
    var pipelineDepth = 1

    struct Run {
        var seconds = 0.0
        var clientCPUSeconds = 0.0
        var messages = 0
        var bytes = 0
        var listBytes = 0
        var sizeMismatches = 0
        var greetingSeconds = 0.0
        var loginSeconds = 0.0
        var listSeconds = 0.0
        var quitSeconds = 0.0
        /// All the RETRs, from the first sent to the last answer received.
        var retrieveSeconds = 0.0
        var pipelineDepth = 1
        var smallRetrieveSeconds: [Double] = []
        var largeRetrieveSeconds: [Double] = []
    }

    func run() throws(BenchError) -> Run {
        var run = Run()
        let start = Clock.monotonic()
        let cpuStart = Clock.processCPU()
        let client = try POP3Client(host: host, port: port)
        try client.greeting()
        let loginStart = Clock.monotonic()
        try client.command("USER \(user)")
        try client.command("PASS \(password)")
        let listStart = Clock.monotonic()
        let listing = try client.list()
        let listEnd = Clock.monotonic()
        run.greetingSeconds = loginStart - start
        run.loginSeconds = listStart - loginStart
        run.listSeconds = listEnd - listStart
        run.smallRetrieveSeconds.reserveCapacity(listing.count)
        run.largeRetrieveSeconds.reserveCapacity(listing.count)
        let deadline = start + maxSeconds
        if pipelineDepth > 1 {
            guard try client.capabilities().contains("PIPELINING") else {
                throw BenchError("the server does not announce PIPELINING (RFC 2449 §6.6)")
            }
            run.pipelineDepth = pipelineDepth
        }
        let retrievesStart = Clock.monotonic()
        func check() throws(BenchError) {
            guard Clock.monotonic() < deadline else {
                throw BenchError("the download took more than \(Int(maxSeconds)) s; stopped after \(run.bytes) octets")
            }
        }
        func count(_ body: POP3Client.BodyCount, size: Int) {
            run.bytes += body.octets
            run.listBytes += size
            if body.unstuffedOctets != size { run.sizeMismatches += 1 }
        }
        if pipelineDepth == 1 {
            for (number, size) in listing {
                try check()
                let retrieveStart = Clock.monotonic()
                let body = try client.retrieve(number)
                let elapsed = Clock.monotonic() - retrieveStart
                if size < Self.smallMessage {
                    run.smallRetrieveSeconds.append(elapsed)
                } else {
                    run.largeRetrieveSeconds.append(elapsed)
                }
                count(body, size: size)
            }
        } else {
            // With RETRs in flight the time between two answers is no round trip: not split.
            var sent = min(pipelineDepth, listing.count)
            try client.sendRetrieves(listing[..<sent].map(\.number))
            for (number, size) in listing {
                try check()
                let body = try client.receiveRetrieve(number)
                if sent < listing.count {   // one more in flight for the one answered
                    try client.sendRetrieves(CollectionOfOne(listing[sent].number))
                    sent += 1
                }
                count(body, size: size)
            }
        }
        run.retrieveSeconds = Clock.monotonic() - retrievesStart
        let quitStart = Clock.monotonic()
        client.quit()
        run.quitSeconds = Clock.monotonic() - quitStart
        run.messages = listing.count
        run.seconds = Clock.monotonic() - start
        run.clientCPUSeconds = Clock.processCPU() - cpuStart
        return run
    }
}

extension POP3Download.Run {
    /// The JSON object pop3_download.py prints for one run.
    var json: JSON {
        .object([
            ("seconds", .number(seconds)),
            ("client_cpu_s", .number(clientCPUSeconds)),
            ("messages", .number(Double(messages))),
            ("bytes", .number(Double(bytes))),
            ("list_bytes", .number(Double(listBytes))),
            ("size_mismatches", .number(Double(sizeMismatches))),
            ("pipeline", .number(Double(pipelineDepth))),
            // Per-command cost, apart from bandwidth: the round trip of a small RETR.
            ("small_retr_median_ms", .number((median(smallRetrieveSeconds) ?? 0) * 1000)),
            // Where the time goes: USER+PASS, LIST, and the sums of the small and the large RETRs
            // (connecting and the greeting, and QUIT, are timed too).
            ("phases", .object([
                ("greeting_s", .number(greetingSeconds)),
                ("login_s", .number(loginSeconds)),
                ("list_s", .number(listSeconds)),
                ("small_retr_s", .number(smallRetrieveSeconds.reduce(0, +))),
                ("small_retr_count", .number(Double(smallRetrieveSeconds.count))),
                ("large_retr_s", .number(largeRetrieveSeconds.reduce(0, +))),
                ("large_retr_count", .number(Double(largeRetrieveSeconds.count))),
                ("quit_s", .number(quitSeconds)),
                ("retr_s", .number(retrieveSeconds)),
            ])),
        ])
    }
}

/// The median (the mean of the middle two for an even count); nil when empty.
func median(_ values: [Double]) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
