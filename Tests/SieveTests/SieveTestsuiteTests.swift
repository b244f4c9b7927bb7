import Foundation
import Sieve
import Testing

/// The engine's own .svtest files (Tests/sieve) run through the testsuite runner, and the runner's
/// own behaviour: failures, skips and errors must be reported, never passed over.
struct SieveTestsuiteTests {
    static let suiteDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sieve")

    static let svtestFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: suiteDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".svtest") }.sorted()
    }()

    @Test func theSuiteIsThere() {
        #expect(Self.svtestFiles.count >= 18)
    }

    @Test(arguments: svtestFiles)
    func svtestFilePasses(_ name: String) {
        let report = SieveTestsuite.run(fileAt: Self.suiteDirectory.appendingPathComponent(name).path)
        let problems = report.outcomes.filter { $0.status != .passed }.map(\.line)
        #expect(problems.isEmpty, "\(name): \(problems.joined(separator: "\n"))")
        #expect(report.passed > 0)
    }

    private func run(_ source: String) -> SieveTestsuiteReport {
        SieveTestsuite.run(source: "require \"vnd.dovecot.testsuite\";\n" + source, file: "inline.svtest",
                           directory: Self.suiteDirectory.path)
    }

    @Test func testFailFailsOnlyItsTestAndStopsIt() {
        let report = run("""
            test "first" { test_fail "broken"; discard; }
            test "second" { if false { test_fail "not reached"; } }
            """)
        #expect(report.outcomes == [
            .init(name: "first", status: .failed("broken")),
            .init(name: "second", status: .passed),
        ])
        #expect(report.summary == "1 passed, 1 failed, 0 skipped")
    }

    @Test func failedAssertionsInsideNestedBlocksAreReported() {
        let report = run("""
            test "nested" { if true { if header :is "subject" "Frop!" { test_fail "deep"; } } }
            """)
        #expect(report.outcomes.first?.status == .failed("deep"))
    }

    @Test func unknownSettingSkipsTheTestItIsIn() {
        let report = run("""
            test "unsupported" { test_config_set "sieve_max_cpu_time" "1s"; test_fail "ran on"; }
            test "after" { }
            """)
        #expect(report.outcomes.map(\.status) == [.skipped("setting 'sieve_max_cpu_time' is not supported"), .passed])
        #expect(report.summary == "1 passed, 0 failed, 1 skipped")
    }

    @Test func unknownSettingAtTopLevelSkipsTheNextTest() {
        let report = run("""
            test_config_set "sieve_editheader_protected" "subject";
            test "skipped" { test_fail "ran"; }
            test "runs" { }
            """)
        #expect(report.skipped == 1)
        #expect(report.outcomes.last?.status == .passed)
    }

    @Test func runtimeErrorFailsTheTest() {
        let report = run("""
            test "missing message" { test_message :smtp 0; }
            test "bad object" { test_set "frop" "x"; }
            """)
        #expect(report.failed == 2)
        guard case .failed(let reason) = report.outcomes.first?.status else {
            Issue.record("not failed")
            return
        }
        #expect(reason.contains("no such message"))
    }

    @Test func aFileThatDoesNotCompileFails() {
        let report = run("test \"x\" { frop; }")
        #expect(report.failed == 1)
        #expect(report.outcomes.first?.line.contains("unknown command 'frop'") == true)
    }

    @Test func aSuiteNeedingAnExtensionWeLackIsSkipped() {
        let report = run("require \"enotify\";\ntest \"x\" { notify \"mailto:a@example.org\"; }")
        #expect(report.skipped == 1 && report.failed == 0)
        #expect(report.outcomes.first?.line.contains("unsupported extension 'enotify'") == true)
    }

    @Test func aMissingFileFails() {
        let report = SieveTestsuite.run(fileAt: "/nonexistent/x.svtest")
        #expect(report.failed == 1)
    }

    @Test func failureOutsideATestFailsTheFile() {
        let report = run("test_fail \"top\";")
        #expect(report.failed == 1)
    }

    @Test func aTestCannotContainATest() {
        let report = run("test \"outer\" { test \"inner\" { } }")
        #expect(report.outcomes.map(\.name) == ["outer"])
        #expect(report.failed == 1)
    }

    @Test func theTestsuiteExtensionIsNotOfferedToUserScripts() {
        #expect(!SieveExtension.allCases.contains(.vndDovecotTestsuite))
        #expect(!SieveExtension.capabilityString(Set(SieveExtension.allCases)).contains("testsuite"))
        guard case .failure(let errors) = SieveCompiler.compile("require \"vnd.dovecot.testsuite\"; test \"x\" { }") else {
            Issue.record("a user script could use the testsuite extension")
            return
        }
        #expect(errors.errors.first?.message.contains("unsupported extension") == true)
    }

    @Test func linesHaveTheDocumentedForm() {
        #expect(SieveTestsuiteReport.Outcome(name: "a", status: .passed).line == "pass: a")
        #expect(SieveTestsuiteReport.Outcome(name: "a", status: .failed("why")).line == "fail: a: why")
        #expect(SieveTestsuiteReport.Outcome(name: "a", status: .skipped("why")).line == "skip: a: why")
    }
}
