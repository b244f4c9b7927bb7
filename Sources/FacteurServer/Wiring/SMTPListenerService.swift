// Runs one SMTP or LMTP listener as a ServiceLifecycle service: graceful shutdown lets
// transactions in DATA finish and tells idle sessions 421.
import Logging
import NIOSSL
import SMTPServer
import ServiceLifecycle

struct SMTPListenerService: Service {
    let name: ListenerName
    let address: ListenerAddress
    let kind: SMTPSessionInfo.Kind
    let configuration: FacteurConfiguration
    let tls: NIOSSLContext
    let receiver: any SMTPReceiver
    let logger: Logger
    let onBound: @Sendable (ListenerName, ListenerAddress) -> Void

    func run() async throws {
        let server = SMTPServer(
            configuration: SMTPServer.Configuration(
                kind: kind, host: address.host, port: address.port, hostname: configuration.hostname,
                maxMessageSize: configuration.limits.maxMessageSize, tlsContext: tls),
            receiver: receiver, logger: logger)
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
