import Foundation
import Logging
import WardenCore

/// An upstream MCP server run as a subprocess, speaking newline-delimited JSON-RPC on stdin/stdout.
///
/// - The process starts on first use, with an environment built from scratch (`UpstreamEnvironment`).
/// - Responses are matched to requests by id; each request has its own timeout.
/// - When the process dies, every in-flight request fails with `processExited`, and the process is
///   started again after a `RestartBackoff` delay; `sessionGeneration` then changes so the client
///   initialises the new process before using it. Requests made while it restarts wait for it
///   (within their timeout).
/// - stderr is drained; only line sizes are logged, never contents.
public actor StdioUpstreamTransport: UpstreamTransport {
    private enum State {
        case idle
        case running(StdioProcess, generation: UInt64)
        case backingOff(until: ContinuousClock.Instant, restart: Task<Void, Never>)
        case closed
    }

    private struct Pending {
        var continuation: CheckedContinuation<Result<JSONRPCResponse, UpstreamError>, Never>
        var method: String
        var generation: UInt64
        var timeout: Task<Void, Never>
    }

    public let configuration: StdioUpstreamConfiguration
    private let environment: [String: String]
    private let logger: Logger
    private let decoder: JSONRPCDecoder
    private var state: State = .idle
    private var pending: [JSONRPCID: Pending] = [:]
    private var generation: UInt64 = 0
    private var consecutiveFailures = 0
    /// The process generation that has been sent `initialize`.
    private var initializeSent: UInt64?
    private var restarts = 0

    /// Prepares the transport; the process starts on the first request.
    /// - Parameter parentEnvironment: where `inheritedEnvironment` is read from (the gateway's own by default).
    public init(
        configuration: StdioUpstreamConfiguration,
        parentEnvironment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws(UpstreamEnvironment.InvalidName) {
        self.configuration = configuration
        self.environment = try UpstreamEnvironment.build(
            inherit: configuration.inheritedEnvironment,
            from: parentEnvironment,
            inject: configuration.injectedEnvironment
        )
        self.logger = logger
        self.decoder = JSONRPCDecoder(maxMessageBytes: configuration.maxMessageBytes)
    }

    public var sessionGeneration: UInt64 { generation }

    /// How many times the process was started again after it died.
    public var restartCount: Int { restarts }

    /// The current process id, if the upstream is running.
    public var processID: Int32? {
        if case .running(let process, _) = state { return process.processID }
        return nil
    }

    // MARK: - Sending

    public func send(_ request: JSONRPCRequest, timeout: Duration) async throws(UpstreamError) -> JSONRPCResponse {
        let deadline = ContinuousClock.now + timeout
        let (process, processGeneration) = try await runningProcess(before: deadline, method: request.method)
        switch request.method {
        case MCPMethod.initialize:
            initializeSent = processGeneration
        case MCPMethod.ping:
            break  // allowed before initialisation
        default:
            // A process started after the caller's handshake has not been initialised: refuse, like an HTTP
            // 404 for an unknown session, so the client initialises it and sends the request again.
            guard initializeSent == processGeneration else { throw .sessionExpired }
        }
        guard pending[request.id] == nil else {
            throw .protocolViolation("request id \(request.id) is already in flight")
        }
        let line = Self.frame(.request(request))
        let id = request.id
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let timeoutTask = Task { [weak self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    guard !Task.isCancelled else { return }
                    await self?.expire(id, after: timeout)
                }
                pending[id] = Pending(
                    continuation: continuation,
                    method: request.method,
                    generation: processGeneration,
                    timeout: timeoutTask
                )
                Task { [weak self] in
                    do throws(UpstreamError) {
                        try await process.write(line)
                    } catch {
                        await self?.resolve(id, with: .failure(error))
                    }
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.resolve(id, with: .failure(.cancelled)) }
        }
        return try result.get()
    }

    public func notify(_ notification: JSONRPCNotification) async throws(UpstreamError) {
        guard case .running(let process, _) = state else {
            // A notification to a process that is not running has no one to receive it.
            throw .unavailable(reason: "upstream process is not running")
        }
        try await process.write(Self.frame(.notification(notification)))
    }

    public func close() async {
        let previous = state
        state = .closed
        failAll(with: .closed)
        switch previous {
        case .running(let process, _):
            await Self.shutdown(process, grace: configuration.shutdownGracePeriod)
        case .backingOff(_, let restart):
            restart.cancel()
        case .idle, .closed:
            break
        }
    }

    private static func frame(_ message: JSONRPCMessage) -> Data {
        var data = message.encoded()
        data.append(0x0A)
        return data
    }

    // MARK: - Process lifecycle

    /// The running process, starting it or waiting out a restart delay that ends before `deadline`.
    private func runningProcess(
        before deadline: ContinuousClock.Instant,
        method: String
    ) async throws(UpstreamError) -> (StdioProcess, UInt64) {
        while true {
            switch state {
            case .running(let process, let generation):
                return (process, generation)
            case .idle:
                try launch()
            case .backingOff(let until, let restart):
                guard until <= deadline else {
                    throw .unavailable(reason: "restarting after a crash; next start in \(until - .now)")
                }
                await restart.value
                if Task.isCancelled { throw .cancelled }
            case .closed:
                throw .closed
            }
        }
    }

    private func launch() throws(UpstreamError) {
        let executable: URL
        let process: StdioProcess
        do {
            executable = try configuration.executableURL(in: environment)
            let logger = self.logger
            process = try StdioProcess(
                executable: executable,
                arguments: configuration.arguments,
                workingDirectory: configuration.workingDirectory.map { URL(fileURLWithPath: $0) },
                environment: environment,
                maxLineBytes: configuration.maxMessageBytes,
                onStderrLine: { bytes in
                    logger.debug("upstream wrote to stderr", metadata: ["bytes": "\(bytes)"])
                }
            )
        } catch {
            consecutiveFailures += 1
            scheduleRestart(reason: "start failed")
            throw (error as? UpstreamError) ?? .unavailable(reason: "upstream process could not be started")
        }
        generation += 1
        let processGeneration = generation
        state = .running(process, generation: processGeneration)
        logger.info(
            "upstream process started",
            metadata: ["pid": "\(process.processID)", "generation": "\(processGeneration)"]
        )
        Task { [weak self] in
            for await event in process.events {
                switch event {
                case .line(let bytes):
                    await self?.received(bytes, from: process)
                case .lineTooLong(let limit):
                    await self?.abandon(
                        process,
                        generation: processGeneration,
                        failing: .protocolViolation("a message exceeds \(limit) bytes; the upstream was stopped")
                    )
                case .stdoutClosed:
                    // Without stdout the process cannot answer; end it. Its exit is normally reported at once,
                    // but not while a grandchild keeps the process's descriptors open, so do not wait long.
                    process.deliver(SIGTERM)
                    Task { [weak self] in
                        try? await Task.sleep(for: .seconds(1))
                        await self?.abandon(
                            process,
                            generation: processGeneration,
                            failing: .processExited(status: -1)
                        )
                    }
                case .exited(let status):
                    await self?.exited(process, generation: processGeneration, status: status)
                }
            }
        }
    }

    private func exited(_ process: StdioProcess, generation exitedGeneration: UInt64, status: Int32) {
        processEnded(
            generation: exitedGeneration, failing: .processExited(status: status), reason: "exited (\(status))")
    }

    /// Gives up on a process that can no longer be trusted or heard, without waiting for its exit status.
    private func abandon(_ process: StdioProcess, generation abandoned: UInt64, failing error: UpstreamError) {
        guard case .running(_, let current) = state, current == abandoned else { return }
        logger.warning("upstream process abandoned", metadata: ["problem": "\(LogSafe.describe(error))"])
        process.deliver(SIGKILL)
        processEnded(generation: abandoned, failing: error, reason: "abandoned")
    }

    private func processEnded(generation ended: UInt64, failing error: UpstreamError, reason: String) {
        guard case .running(_, let current) = state, current == ended else { return }
        for (id, entry) in pending where entry.generation == ended {
            resolve(id, with: .failure(error))
        }
        // The old session is gone now, not only once the new process runs: the client must re-initialise.
        generation += 1
        consecutiveFailures += 1
        scheduleRestart(reason: reason)
    }

    private func scheduleRestart(reason: String) {
        if case .closed = state { return }
        let delay = configuration.backoff.delay(afterFailures: max(consecutiveFailures, 1))
        logger.warning(
            "upstream process stopped; restarting with backoff",
            metadata: ["reason": "\(reason)", "delay": "\(delay)", "failures": "\(consecutiveFailures)"]
        )
        let restart = Task { [weak self] in
            try? await Task.sleep(for: delay)
            await self?.restartAfterBackoff()
        }
        state = .backingOff(until: .now + delay, restart: restart)
    }

    private func restartAfterBackoff() {
        guard case .backingOff = state else { return }
        restarts += 1
        state = .idle
        // A failed start schedules the next attempt itself.
        try? launch()
    }

    private static func shutdown(_ process: StdioProcess, grace: Duration) async {
        process.closeStdin()
        for signal in [SIGTERM, SIGKILL] {
            let deadline = ContinuousClock.now + grace
            while process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            guard process.isRunning else { return }
            process.deliver(signal)
        }
    }

    // MARK: - Receiving

    private func received(_ bytes: [UInt8], from process: StdioProcess) async {
        let message: JSONRPCMessage
        do {
            message = try decoder.decode(bytes: bytes)
        } catch {
            logger.warning(
                "upstream sent an invalid message; ignored", metadata: ["problem": "\(LogSafe.describe(error))"])
            return
        }
        switch message {
        case .response(let response):
            guard let id = response.id, pending[id] != nil else {
                logger.debug("upstream response matches no pending request; ignored")
                return
            }
            if case .success = response { consecutiveFailures = 0 }
            resolve(id, with: .success(response))
        case .notification:
            logger.debug("upstream notification ignored")
        case .request(let request):
            await answer(request, on: process)
        }
    }

    /// Answers a server-to-client request: `ping` is honoured, everything else is not offered.
    private func answer(_ request: JSONRPCRequest, on process: StdioProcess) async {
        logger.debug("upstream request answered")
        let response: JSONRPCResponse =
            request.method == MCPMethod.ping
            ? .success(JSONRPCSuccessResponse(id: request.id, result: [:]))
            : .error(
                JSONRPCErrorResponse(
                    id: request.id,
                    error: JSONRPCErrorObject(code: .methodNotFound, message: "Warden does not offer this method")
                )
            )
        do throws(UpstreamError) {
            try await process.write(Self.frame(.response(response)))
        } catch {
            logger.debug("could not answer an upstream request", metadata: ["problem": "\(LogSafe.describe(error))"])
        }
    }

    private func expire(_ id: JSONRPCID, after timeout: Duration) async {
        guard let entry = pending[id] else { return }
        resolve(id, with: .failure(.timedOut(method: entry.method, after: timeout)))
        // Tell the upstream to stop working on it; best effort.
        if case .running(let process, let current) = state, current == entry.generation {
            let cancel = JSONRPCNotification(
                method: MCPMethod.cancelled,
                params: ["requestId": id.json, "reason": "timeout"]
            )
            try? await process.write(Self.frame(.notification(cancel)))
        }
    }

    private func resolve(_ id: JSONRPCID, with result: Result<JSONRPCResponse, UpstreamError>) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        entry.timeout.cancel()
        entry.continuation.resume(returning: result)
    }

    private func failAll(with error: UpstreamError) {
        for id in Array(pending.keys) { resolve(id, with: .failure(error)) }
    }
}
