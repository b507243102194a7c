import ArgumentParser
import NIOCore
import NIOPosix

/// The process entry. Swift concurrency's global executor becomes NIO's event loops before anything else runs,
/// so a tool call stays on one thread from the agent's socket through the checks to the upstream's socket instead
/// of hopping between the event loops and a second thread pool at every `await` (issue 11's latency budget).
@main
enum WardenMain {
    static func main() async {
        NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Warden.main()
    }
}

struct Warden: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warden",
        abstract: "A security gateway and runtime for autonomous AI agents.",
        version: WardenVersion.string,
        subcommands: [
            ServeCommand.self, DemoCommand.self, TokenCommand.self, ToolsCommand.self, GrantCommand.self,
            KeysCommand.self, SecretCommand.self, LedgerCommand.self, PolicyCommand.self, BenchCommand.self,
            ConfigCommand.self, WitnessCommand.self, ApprovalsCommand.self, RunsCommand.self,
            AgentsCommand.self,
            VersionCommand.self,
        ]
    )
}
