import AsyncHTTPClient
import Logging
import Testing
import WardenCore
import WardenModel

/// What a test changes of the harness's endpoint.
struct Settings {
    var apiKey: String? = "sk-test-key"
    var timeoutSeconds = 60
    var maxAttempts = 3
    var tokenParameter = "max_tokens"
    var maxResponseBytes = 4 << 20
}

/// A client for `server` with fast retries: sleeps are recorded, not slept; jitter takes the top of its range.
struct Harness {
    let server: ReplayServer
    let sleeps = SleepRecorder()
    let logs = LogRecorder()
    var endpoint: ModelEndpoint

    init(_ script: [Scripted], _ settings: Settings = Settings()) async throws {
        server = try await ReplayServer.start(script)
        endpoint = ModelEndpoint(
            baseURL: server.baseURL, model: "replay-model", apiKey: settings.apiKey,
            timeoutSeconds: settings.timeoutSeconds, maxAttempts: settings.maxAttempts,
            tokenParameter: settings.tokenParameter, maxResponseBytes: settings.maxResponseBytes)
    }

    var client: OpenAICompatibleClient {
        OpenAICompatibleClient(
            endpoint: endpoint, httpClient: .shared, logger: logs.logger, sleep: sleeps.sleep,
            random: { $0.upperBound })
    }

    func complete(_ request: ChatRequest = Harness.simpleRequest) async throws(ModelError) -> ChatResponse {
        try await client.complete(request)
    }

    /// The error `complete` failed with; records an issue if it succeeded.
    func failure(
        _ request: ChatRequest = Harness.simpleRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) async -> ModelError? {
        do {
            _ = try await client.complete(request)
            Issue.record("expected the call to fail", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    func stop() async {
        await server.stop()
    }

    static let simpleRequest = ChatRequest(
        messages: [.system("You are a billing assistant."), .user("What is on invoice 42?")], maxTokens: 128)
}

/// Runs `body` against a harness serving `script`, and stops the server however `body` ends.
func withHarness<T>(
    _ script: [Scripted], _ settings: Settings = Settings(), _ body: (Harness) async throws -> T
) async throws -> T {
    let harness = try await Harness(script, settings)
    do {
        let result = try await body(harness)
        await harness.stop()
        return result
    } catch {
        await harness.stop()
        throw error
    }
}
