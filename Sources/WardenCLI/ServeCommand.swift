import ArgumentParser
import Foundation
import Logging
import WardenGateway
import WardenRedaction

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run a tenant cell (quick-start defaults when no configuration is given)."
    )

    @OptionGroup var cell: CellOptions

    @Option(name: .long, help: "Log level (trace, debug, info, notice, warning, error).")
    var logLevel: String = "info"

    func run() async throws {
        let configuration = try cell.load()
        // The keys first: the log redactor may be keyed with the tenant's log-correlation key.
        let keys = try await CellBootstrap.openKeys(configuration: configuration)
        let redactor = Redactor.cell(mode: configuration.redactionMode, keyring: keys.keyring)
        let logger = WardenLogging.bootstrap(level: Logger.Level(rawValue: logLevel) ?? .info, redactor: redactor)
        let built = try await CellBootstrap.make(configuration: configuration, keys: keys, logger: logger)
        if configuration.auth == nil {
            printBanner(
                """
                WARNING: no external issuer is configured. This cell runs its DEVELOPMENT issuer: it signs its own
                tokens (`warden token`). Configure `auth:` with your IdP before anything real connects.
                """
            )
        }
        // Without pins every tool is refused; say how to approve them (the running cell picks the approval up).
        let unapproved = (try? ToolPins.load(dataDirectory: configuration.dataDirectory).digests.isEmpty) ?? false
        try await built.cell.run { listener, port in
            if listener == "agents" {
                say("warden: agents listener on \(configuration.agentListener.host):\(port)")
                say("warden: MCP endpoint \(configuration.trimmedPublicURLForDisplay(port: port))/mcp")
                if unapproved {
                    say("warden: no tool is approved yet:  \(cell.commandLine("tools", "approve", "--all"))")
                }
                if configuration.auth == nil {
                    say("warden: get a token:  \(cell.commandLine("token", "--role", "analyst"))")
                }
            } else {
                say("warden: \(listener) listener on port \(port)")
            }
            say("warden: ready")
        }
    }
}

func printBanner(_ text: String) {
    let line = String(repeating: "!", count: 100)
    FileHandle.standardError.write(Data("\(line)\n\(text)\n\(line)\n".utf8))
}

/// Writes a line to standard output unbuffered (tests and scripts wait for these lines).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

extension CellConfiguration {
    func trimmedPublicURLForDisplay(port: Int) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        if agentListener.port == 0 { return "http://\(agentListener.host):\(port)" }
        return base
    }
}
