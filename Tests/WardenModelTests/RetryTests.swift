import AsyncHTTPClient
import Testing
import WardenCore
import WardenModel

@Suite("retries, backoff and the failures that are not retried")
struct RetryTests {
    @Test("500, 500, 200: success on the third attempt after full-jitter exponential backoff")
    func retriesServerErrors() async throws {
        try await withHarness([Scripted(status: 500), Scripted(status: 500), .say("ok")]) { harness in
            let response = try await harness.complete()
            #expect(response.attempts == 3)
            #expect(response.message.content == "ok")
            #expect(harness.sleeps.durations == [.milliseconds(500), .milliseconds(1000)])
            #expect(harness.server.requests.count == 3)
        }
    }

    @Test("the jitter range doubles per attempt up to the maximum")
    func backoffRanges() async throws {
        let ranges = Locked<[ClosedRange<Int>]>([])
        try await withHarness(Array(repeating: Scripted(status: 503), count: 6), Settings(maxAttempts: 6)) {
            harness in
            let client = OpenAICompatibleClient(
                endpoint: harness.endpoint, httpClient: .shared, logger: harness.logs.logger,
                sleep: harness.sleeps.sleep,
                random: { range in
                    ranges.withLock { $0.append(range) }
                    return range.lowerBound
                })
            do throws(ModelError) {
                _ = try await client.complete(Harness.simpleRequest)
                Issue.record("expected a failure")
            } catch {
                #expect(error.kind == .httpStatus(503))
                #expect(error.attempts == 6)
            }
            #expect(ranges.value == [0...500, 0...1000, 0...2000, 0...4000, 0...8000])
            #expect(harness.sleeps.durations == Array(repeating: .zero, count: 5))
        }
    }

    @Test("429 with Retry-After: 2 sleeps 2 s (longer than the jitter)")
    func retryAfter() async throws {
        try await withHarness([Scripted(status: 429, headers: ["Retry-After": "2"]), .say("ok")]) { harness in
            let response = try await harness.complete()
            #expect(response.attempts == 2)
            #expect(harness.sleeps.durations == [.seconds(2)])
        }
    }

    @Test("a Retry-After beyond 30 s is capped at 30 s; a shorter one than the jitter leaves the jitter")
    func retryAfterBounds() async throws {
        try await withHarness(
            [
                Scripted(status: 503, headers: ["Retry-After": "120"]),
                Scripted(status: 429, headers: ["Retry-After": "0"]),
                .say("ok"),
            ]
        ) { harness in
            let response = try await harness.complete()
            #expect(response.attempts == 3)
            #expect(harness.sleeps.durations == [.seconds(30), .milliseconds(1000)])
        }
    }

    @Test("a garbage body is retried like a failed attempt")
    func garbageThenSuccess() async throws {
        try await withHarness([Scripted(body: Array("<html>Bad gateway</html>".utf8)), .say("ok")]) { harness in
            let response = try await harness.complete()
            #expect(response.attempts == 2)
            #expect(response.message.content == "ok")
        }
    }

    @Test("always 500: .httpStatus(500) after maxAttempts")
    func alwaysFailing() async throws {
        try await withHarness(Array(repeating: Scripted(status: 500), count: 4), Settings(maxAttempts: 4)) {
            harness in
            let error = try #require(await harness.failure())
            #expect(error.kind == .httpStatus(500))
            #expect(error.status == 500)
            #expect(error.attempts == 4)
            #expect(error.description.contains("HTTP 500"))
            #expect(error.description.contains("4 attempts"))
            #expect(harness.server.requests.count == 4)
            #expect(harness.sleeps.durations.count == 3)
        }
    }

    @Test("maxAttempts 1 makes no retry")
    func noRetry() async throws {
        try await withHarness([Scripted(status: 502), .say("unused")], Settings(maxAttempts: 1)) { harness in
            let error = try #require(await harness.failure())
            #expect(error.kind == .httpStatus(502))
            #expect(error.attempts == 1)
            #expect(harness.sleeps.durations.isEmpty)
        }
    }

    @Test("408, 409, 502 and 504 are retried", arguments: [408, 409, 502, 504])
    func retriedStatuses(status: Int) async throws {
        try await withHarness([Scripted(status: status), .say("ok")]) { harness in
            let response = try await harness.complete()
            #expect(response.attempts == 2)
        }
    }

    @Test("other 4xx are rejected at once, not retried", arguments: [400, 401, 403, 404, 413, 422])
    func rejected(status: Int) async throws {
        try await withHarness([Scripted(status: status), .say("unused")]) { harness in
            let error = try #require(await harness.failure())
            #expect(error.kind == .rejected)
            #expect(error.status == status)
            #expect(error.attempts == 1)
            #expect(error.description.contains("HTTP \(status)"))
            #expect(harness.server.requests.count == 1)
            #expect(harness.sleeps.durations.isEmpty)
        }
    }

    @Test("a status that is neither a refusal nor worth retrying (501) fails at once as .httpStatus")
    func notImplemented() async throws {
        try await withHarness([Scripted(status: 501), .say("unused")]) { harness in
            let error = try #require(await harness.failure())
            #expect(error.kind == .httpStatus(501))
            #expect(error.attempts == 1)
        }
    }

    @Test("an endpoint nobody listens on: .transport after maxAttempts")
    func transport() async throws {
        // Nothing listens on port 1 of the loopback address. A client that retries connecting (the default) would
        // only give up at the attempt's deadline (a `.timeout`); this one reports the refusal at once.
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let sleeps = SleepRecorder()
        let endpoint = ModelEndpoint(baseURL: "http://127.0.0.1:1/v1", model: "m", timeoutSeconds: 5, maxAttempts: 2)
        let client = OpenAICompatibleClient(
            endpoint: endpoint, httpClient: httpClient, logger: LogRecorder().logger, sleep: sleeps.sleep)
        do {
            _ = try await client.complete(Harness.simpleRequest)
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .transport)
            #expect(error.attempts == 2)
            #expect(error.status == nil)
        }
        #expect(sleeps.durations.count == 1)
        try await httpClient.shutdown()
    }

    @Test("cancelling the task stops at once: no further attempt")
    func cancellation() async throws {
        try await withHarness(Array(repeating: Scripted(status: 500), count: 4)) { harness in
            let (entered, signal) = AsyncStream<Void>.makeStream()
            let client = OpenAICompatibleClient(
                endpoint: harness.endpoint, httpClient: .shared, logger: harness.logs.logger,
                sleep: { duration in
                    signal.yield()
                    try await Task.sleep(for: .seconds(60))
                })
            let call = Task { try await client.complete(Harness.simpleRequest) }
            for await _ in entered { break }
            call.cancel()
            switch await call.result {
            case .success: Issue.record("expected cancellation")
            case .failure(let error):
                let modelError = try #require(error as? ModelError)
                #expect(modelError.kind == .cancelled)
                #expect(modelError.attempts == 1)
            }
            #expect(harness.server.requests.count == 1)
        }
    }
}
