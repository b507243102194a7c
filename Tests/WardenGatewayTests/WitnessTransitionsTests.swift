import Testing
import WardenWitness

@testable import WardenGateway

@Suite("Witness outcomes become few, debounced ledger entries; alarms are recorded at once and stick")
struct WitnessTransitionsTests {
    let start = ContinuousClock.now

    func outcome(_ kind: WitnessOutcome.Kind, witness: String = "w1") -> WitnessOutcome {
        WitnessOutcome(witness: witness, checkpointSize: 10, kind: kind)
    }

    @Test("the first cosignature is recorded, later ones are not")
    func cosignedOnce() async {
        let transitions = WitnessTransitions()
        #expect(await transitions.event(for: outcome(.cosigned), now: start)?.kind == "witness.cosigned")
        #expect(await transitions.event(for: outcome(.cosigned), now: start + .seconds(120)) == nil)
    }

    @Test("a witness flapping between failure and success writes nothing after the first cosignature")
    func flapping() async {
        let transitions = WitnessTransitions()
        _ = await transitions.event(for: outcome(.cosigned), now: start)
        for second in 1...100 {
            let kind: WitnessOutcome.Kind =
                second.isMultiple(of: 2) ? .cosigned : .refused(status: 503, reason: "busy")
            #expect(await transitions.event(for: outcome(kind), now: start + .seconds(second * 5)) == nil)
        }
    }

    @Test("three failures in a row are recorded once as failing, with a fixed reason and no witness text")
    func failing() async {
        let transitions = WitnessTransitions()
        _ = await transitions.event(for: outcome(.cosigned), now: start)
        var events: [String] = []
        for second in 61...70 {
            let failure = outcome(.unreachable(reason: "connect refused by 203.0.113.9: <html>evil</html>"))
            if let event = await transitions.event(for: failure, now: start + .seconds(second)) {
                events.append(event.kind)
                #expect(event.facts["reason"] == "unreachable")
            }
        }
        #expect(events == ["witness.failing"])
    }

    @Test("a conflict and a fork (422) are each recorded at once, once, and mark the witness alarmed")
    func alarms() async {
        let transitions = WitnessTransitions()
        let conflict = await transitions.event(
            for: outcome(.conflict(witnessSize: 50, logSize: 30)), now: start)
        #expect(conflict?.kind == "witness.conflict")
        #expect(conflict?.facts["witness_size"] == .integer(50))
        #expect(await transitions.event(for: outcome(.conflict(witnessSize: 50, logSize: 31)), now: start) == nil)
        let fork = await transitions.event(
            for: outcome(.refused(status: 422, reason: "bad proof"), witness: "w2"), now: start)
        #expect(fork?.kind == "witness.conflict")
        #expect(fork?.facts["reason"] == nil)
        #expect(await transitions.alarmed == ["w1", "w2"])
    }
}
