import NIOCore
import NIOPosix
import NIOSSL

/// One SMTP TCP connection: command/reply exchanges with per-step timeouts, and the STARTTLS upgrade.
struct SMTPConnection: Sendable {
    private let channel: any Channel
    /// Held directly (not looked up in the pipeline) so replies and errors stay readable after a close.
    private let replies: NIOLoopBound<SMTPReplyHandler>
    private let stepTimeout: TimeAmount

    private struct StepTimedOut: Error {}

    static func open(configuration: SMTPConfiguration, group: any EventLoopGroup) async throws(SMTPError)
        -> SMTPConnection
    {
        let implicitTLS: NIOSSLContext?
        if configuration.security == .implicitTLS {
            do {
                implicitTLS = try NIOSSLContext(configuration: configuration.tls)
            } catch {
                throw .connectionFailed(step: .connect, reason: "TLS configuration: \(error)")
            }
        } else {
            implicitTLS = nil
        }
        let serverName = Loopback.isIPLiteral(configuration.host) ? nil : configuration.host
        let loop = group.next()
        let replies: NIOLoopBound<SMTPReplyHandler>
        do {
            replies = try await loop.submit { NIOLoopBound(SMTPReplyHandler(), eventLoop: loop) }.get()
        } catch {
            throw .connectionFailed(step: .connect, reason: "\(error)")
        }
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        let tls = try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandler(replies.value)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw .connectionFailed(step: .connect, reason: "\(error)")
        }
        if configuration.security == .plaintextLoopbackOnly {
            // The name resolved somewhere: check where, not what it was called.
            guard let remote = channel.remoteAddress, Loopback.isLoopback(remote) else {
                channel.close(promise: nil)
                throw .plaintextRefusedForNonLoopback(host: configuration.host)
            }
        }
        return SMTPConnection(channel: channel, replies: replies, stepTimeout: configuration.stepTimeout)
    }

    /// Sends `command` (CRLF appended; nil sends nothing) and waits for a reply whose code is in `codes`.
    /// Errors carry the step and the server's reply, never the command (it may hold credentials).
    @discardableResult
    func expect(
        _ command: String?, step: SMTPStep, codes: Set<Int>, firstUseOfTLS: Bool = false
    ) async throws(SMTPError) -> SMTPReply {
        let reply = try await exchange(command, step: step, firstUseOfTLS: firstUseOfTLS)
        guard codes.contains(reply.code) else {
            throw .unexpectedReply(step: step, code: reply.code, text: reply.summary)
        }
        return reply
    }

    /// `firstUseOfTLS` marks the EHLO right after STARTTLS, whose transport failures are handshake failures.
    func ehlo(_ name: String, firstUseOfTLS: Bool = false) async throws(SMTPError) -> SMTPCapabilities {
        let reply = try await expect("EHLO \(name)", step: .ehlo, codes: [250], firstUseOfTLS: firstUseOfTLS)
        return SMTPCapabilities(reply: reply)
    }

    /// Inserts TLS in front of the reply handler. Any byte the server sent after its 220 and before the
    /// handshake is refused: it would be plaintext injected into the protected session (CVE-2011-0411 class).
    func startTLS(configuration: SMTPConfiguration) async throws(SMTPError) {
        let channel = self.channel
        let serverName = Loopback.isIPLiteral(configuration.host) ? nil : configuration.host
        let tls = configuration.tls
        let replies = self.replies
        let future: EventLoopFuture<Void> = channel.eventLoop.submit {
            guard !replies.value.hasBufferedInput else { throw SMTPError.malformedReply(step: .startTLS) }
            let context = try NIOSSLContext(configuration: tls)
            let tlsHandler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
            try channel.pipeline.syncOperations.addHandler(tlsHandler, position: .first)
        }
        do {
            try await future.get()
        } catch let error as SMTPError {
            throw error
        } catch {
            throw .connectionFailed(step: .tlsHandshake, reason: "\(error)")
        }
    }

    private func exchange(_ command: String?, step: SMTPStep, firstUseOfTLS: Bool) async throws(SMTPError)
        -> SMTPReply
    {
        let channel = self.channel
        let timeout = stepTimeout
        let replies = self.replies
        let future: EventLoopFuture<SMTPReply> = channel.eventLoop.flatSubmit {
            let loop = channel.eventLoop
            let promise = loop.makePromise(of: SMTPReply.self)
            if let command {
                channel.writeAndFlush(ByteBuffer(string: command + "\r\n")).whenFailure { promise.fail($0) }
            }
            replies.value.nextReply(on: loop).cascade(to: promise)
            let timer = loop.scheduleTask(in: timeout) { promise.fail(StepTimedOut()) }
            promise.futureResult.whenComplete { _ in timer.cancel() }
            return promise.futureResult
        }
        do {
            return try await future.get()
        } catch is StepTimedOut {
            channel.close(promise: nil)
            throw .timeout(step: step)
        } catch let error as SMTPReplyHandler.SMTPReplyStreamError {
            switch error {
            case .malformed: throw .malformedReply(step: step)
            case .closed:
                throw .connectionFailed(
                    step: firstUseOfTLS ? .tlsHandshake : step, reason: "connection closed by server")
            case .transport(let reason):
                throw .connectionFailed(step: firstUseOfTLS ? .tlsHandshake : step, reason: reason)
            }
        } catch {
            // A failed write right after STARTTLS is the handshake failing (e.g. an untrusted certificate).
            throw .connectionFailed(step: firstUseOfTLS ? .tlsHandshake : step, reason: "\(error)")
        }
    }

    /// Polite end of session; failures are ignored because the message is already accepted.
    func quit() async {
        _ = try? await expect("QUIT", step: .quit, codes: [221])
        await close()
    }

    func close() async {
        try? await channel.close()
    }
}
