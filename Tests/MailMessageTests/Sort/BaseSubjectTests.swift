// RFC 5256 §2.1 base subject extraction: the RFC's artifacts and the tricky combinations.

import MailMessage
import Testing

@Suite("Base subject (RFC 5256 §2.1)")
struct BaseSubjectTests {
    @Test(arguments: [
        ("hello", "hello", false),
        ("Re: hello", "hello", true),
        ("RE: Re: re: hello", "hello", true),
        ("Fwd: hello", "hello", true),
        ("Fw: hello", "hello", true),
        ("FWD:hello", "hello", true),
        ("Re[2]: hello", "hello", true),
        ("Re : hello", "hello", true),
        ("  Re:   hello  ", "hello", true),
        ("hello (fwd)", "hello", true),
        ("hello (FWD) (fwd)  ", "hello", true),
        ("[fwd: hello]", "hello", true),
        ("[Fwd: Re: hello]", "hello", true),
        ("Re: [fwd: Re: hello] (fwd)", "hello", true),
        ("[PATCH] Re: hello", "hello", true),
        ("[PATCH] hello", "hello", false),
        ("[list] [PATCH 2/3] hello", "hello", false),
        ("Re: [list] hello", "hello", true),
        ("[PATCH]", "[PATCH]", false),
        ("[a] [b]", "[b]", false),
        ("hello\t  world", "hello world", false),
        ("hello\r\n world", "hello world", false),
        ("Re:", "", true),
        ("", "", false),
        ("Rebel: yell", "Rebel: yell", false),
        ("Regarding hello", "Regarding hello", false),
        ("Réunion: lundi", "Réunion: lundi", false),
        ("[unclosed hello", "[unclosed hello", false),
    ])
    func extracts(_ subject: String, _ base: String, _ isReply: Bool) {
        let extracted = BaseSubject(subject)
        #expect(extracted.text == base)
        #expect(extracted.isReplyOrForward == isReply)
    }

    @Test("a huge subject is cut, not walked in full")
    func bounded() {
        let subject = String(repeating: "Re: ", count: 100_000) + "end"
        let extracted = BaseSubject(subject)
        #expect(extracted.text.utf8.count <= BaseSubject.maximumSubjectOctets)
        #expect(extracted.isReplyOrForward)
    }
}
