import NIOCore

/// Splits inbound bytes into CRLF lines, assembles SMTP replies and hands each to the next waiter.
///
/// All state is confined to the channel's event loop; `SMTPConnection` reaches it through `NIOLoopBound`.
final class SMTPReplyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var lineBuffer: [UInt8] = []
    private var parser = SMTPReplyParser()
    private var replies = CircularBuffer<SMTPReply>()
    private var waiters = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var terminalError: SMTPReplyStreamError?

    enum SMTPReplyStreamError: Error, Equatable {
        case closed
        case malformed
        case transport(String)
    }

    /// True when bytes or replies arrived that nobody asked for yet.
    var hasBufferedInput: Bool { !lineBuffer.isEmpty || !replies.isEmpty }

    /// The next reply, in order. Fails if the connection closed or sent garbage.
    func nextReply(on eventLoop: EventLoop) -> EventLoopFuture<SMTPReply> {
        if let reply = replies.popFirst() { return eventLoop.makeSucceededFuture(reply) }
        if let terminalError { return eventLoop.makeFailedFuture(terminalError) }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiters.append(promise)
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard terminalError == nil, let bytes = buffer.readBytes(length: buffer.readableBytes) else { return }
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if lineBuffer.last == UInt8(ascii: "\r") { lineBuffer.removeLast() }
                let line = lineBuffer
                lineBuffer.removeAll(keepingCapacity: true)
                do {
                    if let reply = try parser.feed(line: line) { deliver(reply, context: context) }
                    if terminalError != nil { return }
                } catch {
                    fail(.malformed, context: context)
                    return
                }
            } else {
                lineBuffer.append(byte)
                if lineBuffer.count > SMTPReplyParser.maxLineBytes {
                    fail(.malformed, context: context)
                    return
                }
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failWaiters(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(.transport(String(describing: error)), context: context)
    }

    /// Replies nobody asked for are kept (pipelining-style) but bounded, so a server cannot flood memory.
    private static let maxUnrequestedReplies = 8

    private func deliver(_ reply: SMTPReply, context: ChannelHandlerContext) {
        if let waiter = waiters.popFirst() {
            waiter.succeed(reply)
        } else if replies.count < Self.maxUnrequestedReplies {
            replies.append(reply)
        } else {
            fail(.malformed, context: context)
        }
    }

    private func fail(_ error: SMTPReplyStreamError, context: ChannelHandlerContext) {
        failWaiters(error)
        context.close(promise: nil)
    }

    private func failWaiters(_ error: SMTPReplyStreamError) {
        if terminalError == nil { terminalError = error }
        while let waiter = waiters.popFirst() { waiter.fail(error) }
    }
}
