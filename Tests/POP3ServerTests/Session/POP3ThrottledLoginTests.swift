import Testing
@testable import POP3Server

@Suite struct POP3ThrottledLoginTests {
    typealias Machine = POP3SessionStateMachine

    @Test func throttledLoginAnswersSysTempAndForgetsTheUser() {
        var machine = POP3SessionStateMachineTests.machine()
        _ = machine.command(POP3SessionStateMachineTests.parse("USER alice"))
        _ = machine.command(POP3SessionStateMachineTests.parse("PASS secret"))
        #expect(machine.loginFinished(.throttled) == .reply(.err("too many failed logins, try later", code: .sysTemp)))
        #expect(!machine.isInTransaction)
        #expect(POP3SessionStateMachineTests.reply(&machine, "PASS secret")?.text == "send USER first")
    }

    @Test func throttledLoginsCountTowardsTheFailureLimit() {
        var machine = POP3SessionStateMachineTests.machine()
        var last: Machine.Action?
        for _ in 0..<3 {
            _ = machine.command(POP3SessionStateMachineTests.parse("USER alice"))
            _ = machine.command(POP3SessionStateMachineTests.parse("PASS secret"))
            last = machine.loginFinished(.throttled)
        }
        #expect(last == .replyAndClose(.err("too many failed logins, try later", code: .sysTemp)))
    }
}
