// Runs one protocol listener (SMTP, LMTP, POP3, IMAP, ManageSieve) as a ServiceLifecycle service: it announces the
// bound port, and graceful shutdown lets the server finish what is in flight (SMTP DATA gets its
// reply; idle sessions get the protocol's goodbye).
import IMAPServer
import ManageSieveServer
import NIOCore
import POP3Server
import SMTPServer
import ServiceLifecycle

/// What every Facteur protocol server offers its runner.
protocol ProtocolServer: Sendable {
    func run() async throws
    func shutdown()
    func localAddress() async throws -> SocketAddress
}

extension SMTPServer: ProtocolServer {}
extension POP3Server: ProtocolServer {}
extension IMAPServer: ProtocolServer {}
extension ManageSieveServer: ProtocolServer {}

struct ListenerService: Service {
    let name: ListenerName
    let address: ListenerAddress
    let server: any ProtocolServer
    let onBound: @Sendable (ListenerName, ListenerAddress) -> Void

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                let bound = try await server.localAddress()
                onBound(name, ListenerAddress(host: address.host, port: bound.port ?? address.port))
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            server.shutdown()
        }
    }
}
