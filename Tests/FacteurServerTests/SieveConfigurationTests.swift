// `[sieve] before` and `global_dir`: the administrator's scripts at delivery.
import FacteurServer
import Testing

@Suite struct SieveConfigurationTests {
    @Test func beforeAndGlobalDirectoryAreRead() throws {
        let configuration = try FacteurConfiguration.parse("""
            [sieve]
            before = "/etc/facteur/before.sieve"
            global_dir = "/etc/facteur/sieve"
            """, file: "facteur.toml")
        #expect(configuration.sieve == .init(beforeScript: "/etc/facteur/before.sieve",
                                              globalDirectory: "/etc/facteur/sieve"))
    }

    @Test func absentMeansNoGlobalScripts() throws {
        let configuration = try FacteurConfiguration.parse("hostname = \"mx.example.test\"\n", file: "facteur.toml")
        #expect(configuration.sieve.beforeScript == nil && configuration.sieve.globalDirectory == nil)
    }

    @Test(arguments: [
        ("[sieve]\nbefor = \"/x\"\n", "facteur.toml:2: unknown key 'sieve.befor'"),
        ("[sieve]\n\nbefore = 3\n", "facteur.toml:3: sieve.before: expected a string"),
        ("[sieve]\nglobal_dir = \"\"\n", "facteur.toml:2: sieve.global_dir: must not be empty"),
    ])
    func mistakesNameTheKeyAndLine(text: String, expected: String) {
        #expect(throws: (any Error).self) { try FacteurConfiguration.parse(text, file: "facteur.toml") }
        do {
            _ = try FacteurConfiguration.parse(text, file: "facteur.toml")
        } catch {
            #expect("\(error)" == expected)
        }
    }
}
