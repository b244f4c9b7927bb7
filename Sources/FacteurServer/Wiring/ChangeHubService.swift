// Runs the IMAP change hub for as long as the IMAP listeners: it ends with graceful shutdown.
import IMAPServer
import ServiceLifecycle

struct ChangeHubService: Service {
    let hub: IMAPChangeHub

    func run() async throws {
        // The change feed never ends by itself while the store is open: cancel it on shutdown.
        await cancelWhenGracefulShutdown {
            await hub.run()
        }
    }
}
