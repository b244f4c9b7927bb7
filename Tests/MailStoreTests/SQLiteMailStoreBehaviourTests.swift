// Runs the backend-independent behaviour suite against SQLiteMailStore.
import Testing

@Suite struct SQLiteMailStoreBehaviourTests {
    @Test(arguments: MailStoreBehaviourCase.allCases)
    func behaviour(_ behaviourCase: MailStoreBehaviourCase) async throws {
        let fixture = try SQLiteMailStoreFixture()
        do {
            try await behaviourCase.run(MailStoreBehaviour(fixture: fixture))
        } catch {
            await fixture.tearDown()
            throw error
        }
        await fixture.tearDown()
    }
}
