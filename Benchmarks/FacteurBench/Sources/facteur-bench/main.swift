import Glibc

// facteur-bench SCENARIO [options]: compiled load generators for Benchmarks/compare.py.
// Loopback only by intent: every scenario is bounded in count (the mailbox, --runs) and in time
// (--max-seconds per run; each socket operation 120 s).

let usage = """
    usage: facteur-bench pop3-download --port N --user U --password P [--host 127.0.0.1] [--runs 3]
                                       [--pipeline 1] [--label NAME] [--max-seconds 300] [--json]

    pop3-download  log in (USER/PASS), LIST, RETR every message (no DELE), one command at a time;
                   checks each message's size against LIST; prints seconds, MB/s and the phases
                   (--json: one object, the same fields as Benchmarks/pop3_download.py).
                   --pipeline N keeps N RETRs in flight (RFC 2449 PIPELINING, checked in CAPA).
    Exit status 1 on an error or a size mismatch.
    """

func pop3Download(_ arguments: Arguments) throws(BenchError) -> Bool {
    let download = POP3Download(host: try arguments.string("host", default: "127.0.0.1"),
                                port: try arguments.integer("port", in: 1...65535),
                                user: try arguments.string("user"),
                                password: try arguments.string("password"),
                                maxSeconds: Double(try arguments.integer("max-seconds", default: 300, in: 1...3600)),
                                pipelineDepth: try arguments.integer("pipeline", default: 1, in: 1...256))
    let label = try arguments.string("label", default: "server")
    let count = try arguments.integer("runs", default: 3, in: 1...100)
    var runs: [POP3Download.Run] = []
    for _ in 0..<count { runs.append(try download.run()) }
    let medianSeconds = median(runs.map(\.seconds)) ?? 0
    let megabytes = Double(runs[0].bytes) / 1e6
    let mismatches = runs.reduce(0) { $0 + $1.sizeMismatches }
    if arguments.has("json") {
        let result = JSON.object([
            ("label", .string(label)),
            ("client", .string("facteur-bench")),
            ("runs", .array(runs.map(\.json))),
            ("median_seconds", .number(medianSeconds)),
            ("mb_per_second", .number(medianSeconds > 0 ? megabytes / medianSeconds : 0)),
        ])
        print(result.text)
    } else {
        let times = runs.map { fixed($0.seconds, 3) }.joined(separator: ", ")
        print("\(label): \(runs[0].messages) messages, \(fixed(megabytes, 1)) MB, median of \(count) runs "
              + "\(fixed(medianSeconds, 3)) s = \(fixed(medianSeconds > 0 ? megabytes / medianSeconds : 0, 1)) MB/s "
              + "(runs: \(times); size mismatches: \(mismatches))")
        for run in runs {
            print("  phases: connect + greeting \(fixed(run.greetingSeconds * 1000, 1)) ms, login \(fixed(run.loginSeconds * 1000, 1)) ms, LIST \(fixed(run.listSeconds * 1000, 1)) ms, "
                  + "\(run.smallRetrieveSeconds.count) small RETRs \(fixed(run.smallRetrieveSeconds.reduce(0, +) * 1000, 0)) ms, "
                  + "\(run.largeRetrieveSeconds.count) large RETRs \(fixed(run.largeRetrieveSeconds.reduce(0, +) * 1000, 0)) ms, "
                  + "QUIT \(fixed(run.quitSeconds * 1000, 1)) ms; "
                  + "client CPU \(fixed(run.clientCPUSeconds * 1000, 0)) ms")
        }
    }
    return mismatches == 0
}

let words = CommandLine.arguments.dropFirst()
do throws(BenchError) {
    switch words.first {
    case "pop3-download":
        let succeeded = try pop3Download(Arguments(words.dropFirst(), flags: ["json"]))
        exit(succeeded ? 0 : 1)
    case "-h", "--help", "help":
        print(usage)
    default:
        printError(usage + "\n")
        exit(2)
    }
} catch {
    printError("facteur-bench: \(error)\n")
    exit(1)
}
