import ArgumentParser

@main
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
