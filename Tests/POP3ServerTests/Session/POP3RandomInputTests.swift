// Random and mutated command lines through the parser and the state machine: every input gets an
// answer, nothing traps, and nothing but QUIT in TRANSACTION asks for a commit.

import Testing
@testable import POP3Server

@Suite struct POP3RandomInputTests {
    /// SplitMix64: deterministic, so a failure reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let seeds = ["USER a", "PASS b", "STAT", "LIST 1", "RETR 2", "DELE 3", "TOP 1 5", "UIDL", "RSET", "NOOP",
                        "AUTH PLAIN AGEAYg==", "CAPA", "STLS", "UTF8", "AUTH", "LIST 4294967296"]

    static func mutate(_ line: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = line
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
            switch Int.random(in: 0..<4, using: &generator) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            case 1:
                bytes.insert(UInt8.random(in: 0...255, using: &generator), at: Int.random(in: 0...bytes.count, using: &generator))
            case 2 where !bytes.isEmpty:
                bytes.remove(at: Int.random(in: 0..<bytes.count, using: &generator))
            default:
                bytes += Array(repeating: UInt8(ascii: "9"), count: Int.random(in: 0...300, using: &generator))
            }
        }
        return bytes
    }

    @Test(arguments: [1, 2, 3, 4])
    func randomSessionsNeverTrap(seed: UInt64) {
        var generator = SeededGenerator(state: seed)
        for _ in 0..<200 {
            var machine = POP3SessionStateMachine(configuration: .init(hostname: "pop.test", tlsAvailable: true,
                                                                       maxErrors: 1000))
            if Bool.random(using: &generator) {
                _ = machine.command(.success(.user("a")))
                _ = machine.command(.success(.pass("b")))
                _ = machine.loginFinished(.success(POP3SessionStateMachineTests.maildrop()))
            }
            for _ in 0..<20 {
                let seed = Array((Self.seeds.randomElement(using: &generator) ?? "NOOP").utf8)
                let line = Self.mutate(seed, using: &generator)
                let action: POP3SessionStateMachine.Action
                if machine.expectsSASLResponse {
                    action = machine.saslResponse(line)
                } else {
                    let parsed: Result<POP3Command, POP3CommandError>
                    do throws(POP3CommandError) { parsed = .success(try POP3CommandParser.parse(line)) } catch { parsed = .failure(error) }
                    action = machine.command(parsed)
                }
                switch action {
                case .authenticate: _ = machine.loginFinished(.badCredentials)
                case .saslStart, .saslStep:
                    // The exchange either challenges again or ends; try both.
                    if Bool.random(using: &generator) {
                        _ = machine.saslChallenge([])
                    } else {
                        _ = machine.loginFinished(.badCredentials)
                    }
                case .commit: Issue.record("commit without QUIT: \(line)")
                case .replyAndClose: break
                default: continue
                }
                if case .replyAndClose = action { break }
            }
        }
    }
}
