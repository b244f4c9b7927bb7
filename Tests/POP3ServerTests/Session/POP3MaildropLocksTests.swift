import Testing
@testable import POP3Server

@Suite struct POP3MaildropLocksTests {
    @Test func oneHolderPerAccountAndOnlyTheHolderReleases() async {
        let locks = POP3MaildropLocks()
        #expect(await locks.acquire(1, owner: "a"))
        #expect(await !locks.acquire(1, owner: "b"))
        #expect(await locks.acquire(2, owner: "b"))
        await locks.release(1, owner: "b")
        #expect(await locks.isLocked(1))
        await locks.release(1, owner: "a")
        #expect(await !locks.isLocked(1))
        #expect(await locks.acquire(1, owner: "b"))
    }
}
