import ArgumentParser
import Foundation
import WardenGateway

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint a short-lived access token from the cell's DEVELOPMENT issuer (quick start only)."
    )

    @OptionGroup var cell: CellOptions

    @Option(name: .long, help: "A role to put in the token's roles claim (repeatable).")
    var role: [String] = []

    @Option(name: .long, help: "The agent's subject.")
    var subject: String = "dev-agent"

    @Option(name: .long, help: "Lifetime in seconds (at most 3600).")
    var ttl: Int = 900

    func validate() throws {
        guard (1...3600).contains(ttl) else { throw ValidationError("--ttl must be between 1 and 3600 seconds") }
    }

    func run() async throws {
        let configuration = try cell.load()
        guard configuration.auth == nil else {
            throw ValidationError("this cell uses an external issuer (auth.issuer); get tokens from it")
        }
        let issuer = try await DevelopmentIssuerStore.load(configuration: configuration)
        let token = try await issuer.issueToken(
            subject: subject,
            audience: configuration.resourceURI,
            roles: role,
            lifetime: .seconds(ttl)
        )
        print(token)
    }
}
