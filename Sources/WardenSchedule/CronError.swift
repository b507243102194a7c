/// Why a cron expression or a time zone name was refused. The message names the field and the reason, so it can
/// be shown to whoever wrote the schedule as is.
public struct CronError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}
