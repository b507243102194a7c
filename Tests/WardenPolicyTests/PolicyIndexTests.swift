import Foundation
import Testing

@testable import WardenPolicy

@Suite struct PolicyIndexTests {
    @Test(arguments: [(10, 1 as UInt64), (100, 2), (1000, 3)])
    func indexedDecisionsEqualEvaluatingEveryPolicy(policies: Int, seed: UInt64) throws {
        let workload = GeneratedWorkload(policies: policies, requests: 400, seed: seed)
        let set = try PolicySet(text: workload.policyText)
        for strict in [false, true] {
            let auth = Authorizer(policies: set, strict: strict)
            var allowed = 0
            for r in workload.requests {
                let indexed = auth.isAuthorized(r, entities: workload.entities)
                let full = auth.isAuthorizedWithoutIndex(r, entities: workload.entities)
                #expect(indexed == full)
                if indexed.decision == .allow { allowed += 1 }
            }
            // The workload must exercise both outcomes, or the comparison proves little.
            if policies >= 100 && !strict { #expect(allowed > 0 && allowed < workload.requests.count) }
        }
    }

    /// Prints decisions/s and p50 latency; runs only with `WARDEN_POLICY_BENCH=1` (a measurement, not a test).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["WARDEN_POLICY_BENCH"] != nil))
    func benchmarkDecisionLatency() throws {
        for count in [1, 10, 100, 1000, 10000] {
            let workload = GeneratedWorkload(policies: count, requests: 2000, seed: 42)
            let auth = Authorizer(policies: try PolicySet(text: workload.policyText), strict: true)
            var samples: [UInt64] = []
            samples.reserveCapacity(workload.requests.count * 5)
            var allows = 0
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<5 {
                for r in workload.requests {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let response = auth.isAuthorized(r, entities: workload.entities)
                    samples.append(DispatchTime.now().uptimeNanoseconds - t0)
                    if response.decision == .allow { allows += 1 }
                }
            }
            let elapsed = clock.now - start
            let matched = workload.requests.prefix(200).map { r in
                auth.policySet.policies.filter {
                    $0.scopeMatches(
                        principal: r.principal, action: r.action, resource: r.resource, entities: workload.entities)
                }.count
            }.reduce(0, +)
            samples.sort()
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(
                "bench policies=\(count) decisions/s=\(Int(Double(samples.count) / seconds)) "
                    + "p50=\(Double(samples[samples.count / 2]) / 1000)µs p99=\(Double(samples[samples.count * 99 / 100]) / 1000)µs allows=\(allows) scope-matched/request=\(Double(matched) / 200)"
            )
            #expect(samples.count == workload.requests.count * 5)
            if let dir = ProcessInfo.processInfo.environment["WARDEN_POLICY_BENCH_DUMP"] {
                try workload.dump(to: URL(fileURLWithPath: dir).appendingPathComponent("bench-\(count)"))
            }
        }
    }
}
