import Hummingbird
import Logging
import NIOCore
import WardenLedger

/// A C2SP tlog-witness HTTP server (`warden witness serve`): cosigns checkpoints of the configured logs that
/// are consistent with what it cosigned before, and never anything else.
///
/// ```swift
/// let server = WitnessServer(configuration: configuration, logger: logger)
/// try await server.run { port in print("witness listening on \(port)") }   // until the task is cancelled
/// ```
public struct WitnessServer: Sendable {
    public let configuration: WitnessServerConfiguration
    private let logger: Logger

    public init(configuration: WitnessServerConfiguration, logger: Logger = Logger(label: "warden.witness")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Opens (and verifies) the state directory, binds, calls `onReady` with the bound port, and serves until
    /// the calling task is cancelled (in-flight requests are cut; a client retries and gets 409 or 200). Fails
    /// before binding if the state is corrupt or held by another process.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (application, store) = try prepare(onReady: onReady)
        do {
            try await application.run()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// As `run`, but for a process of its own (`warden witness serve`): shuts down gracefully on SIGTERM or
    /// SIGINT, letting in-flight requests finish.
    public func runService(onReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let (application, store) = try prepare(onReady: onReady)
        do {
            try await application.runService()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    private func prepare(
        onReady: @escaping @Sendable (Int) async -> Void
    ) throws -> (Application<WitnessResponder>, WitnessStateStore) {
        try configuration.validate()
        let cosigner = configuration.cosigner
        let store = try WitnessStateStore.open(directory: configuration.stateDirectory, verifier: cosigner.verifier)
        let responder = WitnessResponder(
            store: store, witness: WitnessCosigning(cosigner: cosigner, logs: configuration.logs),
            maximumRequestBytes: configuration.maximumRequestBytes, logger: logger)
        let logger = self.logger
        let logCount = configuration.logs.count
        let application = Application(
            responder: responder,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info(
                    "witness listening",
                    metadata: ["port": "\(port)", "witness": "\(cosigner.name)", "logs": "\(logCount)"])
                await onReady(port)
            },
            logger: logger)
        return (application, store)
    }
}
