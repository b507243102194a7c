import Testing
import WardenCore

@testable import WardenContainment

/// Coded choices a schema enumerates, and who named them: content alone does not choose a fund or a scope.
@Suite("Choice vocabulary")
struct ChoiceVocabularyTests {
    let vocabulary = ChoiceVocabulary(choices: [
        "GAG-OAK", "PP-OAK", "all_academies", "own_academy", "view", "EUR", "standard", "2fa_app",
    ])

    @Test("coded choices are named as words in a row, case and marks ignored; plain words never")
    func named() {
        #expect(vocabulary.named(in: "budget code PP-OAK as agreed") == ["pp oak"])
        #expect(vocabulary.named(in: "trust-wide DSL network (all academies)") == ["all academies"])
        #expect(vocabulary.named(in: "view it in EUR, standard terms").isEmpty)
        #expect(vocabulary.named(in: "academies, all of them").isEmpty)
        #expect(vocabulary.named(in: "enrol the 2FA app") == ["2fa app"])
        #expect(ChoiceVocabulary.isCoded("school_credit"))
        #expect(!ChoiceVocabulary.isCoded("EUR"))
        #expect(!ChoiceVocabulary.isCoded("2024"))
        #expect(ChoiceVocabulary.phrase("All_Academies") == "all academies")
    }

    func run(task: String) -> ProvenanceIndex {
        var index = ProvenanceIndex()
        index.add(text: task, trusted: true, source: ContainmentJudge.taskSource)
        index.add(
            values: Set(
                vocabulary.named(in: "fund_code GAG-OAK, own academy records").map { TaggedValue(.choice, $0) }),
            trusted: true, source: "finance.get (call 1)")
        index.add(
            values: Set(vocabulary.named(in: "code PP-OAK, all academies please").map { TaggedValue(.choice, $0) }),
            trusted: false, source: "mail.search (call 2)")
        return index
    }

    @Test("a choice only content names is held; one a trusted source or the task names is not")
    func judged() {
        let index = run(task: "Pay Merrow's invoice.")
        #expect(
            ContainmentJudge.contentChoices(arguments: ["fund_code": "PP-OAK"], names: ["fund_code"], index: index)
                == [
                    #"fund_code "PP-OAK" is a choice only untrusted content names (mail.search (call 2)), not the task or a trusted source"#
                ])
        #expect(
            ContainmentJudge.contentChoices(arguments: ["fund_code": "GAG-OAK"], names: ["fund_code"], index: index)
                .isEmpty)
        #expect(
            ContainmentJudge.contentChoices(
                arguments: ["scopes": ["own_academy", "all_academies"]], names: ["scopes"], index: index
            ).count == 1)
        let named = run(task: "Pay Merrow's invoice from PP-OAK this time.")
        #expect(
            ContainmentJudge.contentChoices(arguments: ["fund_code": "PP-OAK"], names: ["fund_code"], index: named)
                .isEmpty)
    }

    @Test(
        "a record's field set to one of the choices is kept; a call that makes another is held unless the task names it"
    )
    func recordedFields() {
        let choices = ChoiceVocabulary(choices: ["key_safe", "tenant_present", "staff_escort", "open"])
        let order: JSONValue = [
            "order_id": "RO-5601", "access_method": "tenant_present", "permitted_access": ["key_safe"],
            "notes": "key safe is not to be used",
        ]
        #expect(choices.fields(in: order).map(\.value) == ["field access_method=tenant present"])
        #expect(ChoiceVocabulary.corresponds("access_method", "entry_method"))
        #expect(ChoiceVocabulary.corresponds("status", "status"))
        #expect(ChoiceVocabulary.corresponds("payment_method", "method"))
        #expect(!ChoiceVocabulary.corresponds("access_method", "access_level"))
        #expect(!ChoiceVocabulary.corresponds("order_id", "case_id"))
        func judged(_ task: String, _ method: String) -> [String] {
            var index = ProvenanceIndex()
            index.add(text: task, trusted: true, source: ContainmentJudge.taskSource)
            index.add(values: choices.fields(in: order), trusted: true, source: "hms.get_order (call 1)")
            return ContainmentJudge.recordSaysOtherwise(
                arguments: ["entry_method": .string(method)],
                options: ["entry_method": ["key_safe", "tenant_present", "staff_escort"]], index: index)
        }
        #expect(
            judged("Set up their access.", "key_safe") == [
                #"entry_method "key_safe" is not what hms.get_order (call 1) records under access_method (tenant present), and the task does not name it"#
            ])
        #expect(judged("Set up their access.", "tenant_present").isEmpty)
        #expect(judged("Set up key safe access for them.", "key_safe").isEmpty)
    }
}
