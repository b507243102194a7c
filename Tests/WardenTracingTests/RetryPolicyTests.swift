import Foundation
import Testing
import WardenTracing

@Suite("retry policy and collector responses")
struct RetryPolicyTests {
    @Test("only 429, 502, 503 and 504 are retryable")
    func retryableStatuses() {
        let retryable = (400...599).filter { RetryPolicy.isRetryable(status: $0) }
        #expect(retryable == [429, 502, 503, 504])
    }

    @Test("backoff doubles per attempt up to the cap, scaled by jitter")
    func exponentialBackoff() {
        let policy = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil, jitter: 1) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 1) == .seconds(2))
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil, jitter: 1) == .seconds(4))
        #expect(policy.delay(afterAttempt: 4, retryAfter: nil, jitter: 1) == .seconds(5))
        #expect(policy.delay(afterAttempt: 200, retryAfter: nil, jitter: 1) == .seconds(5))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 0.5) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2, retryAfter: nil, jitter: 0) == .seconds(1), "jitter is clamped")
    }

    @Test("Retry-After is honoured but capped")
    func retryAfterIsCapped() {
        let policy = RetryPolicy(maxRetryAfter: .seconds(30))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(7), jitter: 1) == .seconds(7))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(86_400), jitter: 1) == .seconds(30))
    }

    @Test("Retry-After reads delay-seconds and HTTP dates; garbage is ignored")
    func parsesRetryAfter() throws {
        #expect(RetryPolicy.parseRetryAfter("120") == .seconds(120))
        #expect(RetryPolicy.parseRetryAfter(" 0 ") == .zero)
        #expect(RetryPolicy.parseRetryAfter("99999999999999999999") == .seconds(999_999_999))
        #expect(RetryPolicy.parseRetryAfter(nil) == nil)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
        #expect(RetryPolicy.parseRetryAfter("-5") == nil)
        let now = Date(timeIntervalSince1970: 784_111_767)  // Sun, 06 Nov 1994 08:49:27 GMT
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == .seconds(10))
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:17 GMT", now: now) == .zero)
    }

    @Test("partial success reports rejected spans as a string or number; {} is full success")
    func partialSuccess() {
        func parse(_ text: String) -> UInt64? { OTLPPartialSuccess(responseBody: Array(text.utf8))?.rejectedSpans }
        #expect(parse(#"{"partialSuccess":{"rejectedSpans":"3","errorMessage":"x"}}"#) == 3)
        #expect(parse(#"{"partialSuccess":{"rejectedSpans":4}}"#) == 4)
        #expect(parse(#"{"partialSuccess":{}}"#) == nil)
        #expect(parse("{}") == nil)
        #expect(parse("") == nil)
        #expect(parse("not json") == nil)
    }
}
