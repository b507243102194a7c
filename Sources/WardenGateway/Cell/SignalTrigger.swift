import Dispatch
import Foundation

/// Runs an action each time the process receives a signal (e.g. SIGHUP: reload the policy).
/// `@unchecked`: the only state is a dispatch source, which is safe to cancel from any thread.
public final class SignalTrigger: @unchecked Sendable {
    let source: any DispatchSourceSignal

    public init(signal number: Int32, action: @escaping @Sendable () -> Void) {
        // The default action of SIGHUP ends the process; ignore it so only the dispatch source sees it.
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: action)
        source.resume()
    }

    public func cancel() {
        source.cancel()
    }
}
