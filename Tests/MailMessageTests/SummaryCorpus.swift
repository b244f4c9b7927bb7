@testable import MailMessage

/// Messages whose summaries the binary-form tests round-trip: the MIME fixtures of the other suites
/// plus generated combinations of header and body shapes (groups, routes, encoded words, raw UTF-8,
/// missing fields, nested messages, digests, the parser's deepest tree).
enum SummaryCorpus {
    /// A message exercising every summary field, and below it the JSON `encoded()` produced for it
    /// before format 2 (a stored row of an earlier version).
    static let richMessage = Fixture.crlf("""
        Date: Wed, 2 Jul 2003 23:59:01 -0730
        From: =?iso-8859-1?q?Andr=E9?= <andre@example.com>, "Zoë" <zoe@example.org>
        Sender: list-bounces@example.net
        To: Friends: alice@example.test, "Bob B." <bob@example.test>;, undisclosed:;
        Cc: @a.example,@b.example:route@example.com
        Subject: =?utf-8?b?w6l0w6kg4oCT?= plans
        Message-ID: <v1-row@example.com>
        In-Reply-To: <parent@example.com>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"; x-extra=1

        --outer
        Content-Type: text/plain; charset=utf-8; format=flowed
        Content-Transfer-Encoding: 8bit

        Été — résumé attached.
        --outer
        Content-Type: message/rfc822
        Content-Disposition: inline
        Content-Language: fr, en

        From: Inner <inner@example.com>
        Subject: inner
        Content-Type: text/html

        <p>inner</p>
        --outer
        Content-Type: image/png; name="pic.png"
        Content-Transfer-Encoding: base64
        Content-ID: <pic@example.com>
        Content-Description: A picture
        Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==
        Content-Location: http://example.com/pic.png
        Content-Disposition: attachment; filename*=utf-8''p%C3%AFc.png; size=4

        iVBORw==
        --outer--

        """)

    static let richMessageVersion1Row = #"{"b":{"b":[464,1108],"c":{"p":[{"n":"boundary","v":"outer"},{"n":"x-extra","v":"1"}],"s":"mixed","t":"multipart"},"h":[0,464],"p":[{"b":[564,592],"c":{"p":[{"n":"charset","v":"utf-8"},{"n":"format","v":"flowed"}],"s":"plain","t":"text"},"e":"8bit","h":[473,564],"n":1},{"b":[690,778],"c":{"p":[],"s":"rfc822","t":"message"},"dp":{"p":[],"t":"inline"},"h":[603,690],"lg":["fr","en"],"m":{"b":{"b":[766,778],"c":{"p":[{"n":"charset","v":"us-ascii"}],"s":"html","t":"text"},"h":[690,766],"n":1},"e":{"f":[{"d":"example.com","k":"m","l":"inner","n":"Inner"}],"s":"inner"}},"n":5},{"b":[1087,1095],"c":{"p":[{"n":"name","v":"pic.png"}],"s":"png","t":"image"},"dp":{"p":[{"n":"filename","v":"pïc.png"},{"n":"size","v":"4"}],"t":"attachment"},"ds":"A picture","e":"base64","h":[789,1087],"i":"<pic@example.com>","lc":"http:\/\/example.com\/pic.png","m5":"Q2hlY2sgSW50ZWdyaXR5IQ=="}]},"e":{"c":[{"d":"a.example","k":"m","l":"MISSING_MAILBOX"},{"d":"b.example","k":"m","l":"MISSING_MAILBOX"},{"k":"s","l":""},{"d":"example.com","k":"m","l":"route"},{"k":"e"}],"d":"Wed, 2 Jul 2003 23:59:01 -0730","f":[{"d":"example.com","k":"m","l":"andre","n":"=?iso-8859-1?q?Andr=E9?="},{"d":"example.org","k":"m","l":"zoe","n":"Zoë"}],"i":"<parent@example.com>","m":"<v1-row@example.com>","s":"=?utf-8?b?w6l0w6kg4oCT?= plans","se":[{"d":"example.net","k":"m","l":"list-bounces"}],"t":[{"k":"s","l":"Friends"},{"d":"example.test","k":"m","l":"alice"},{"d":"example.test","k":"m","l":"bob","n":"Bob B."},{"k":"e"},{"k":"s","l":"undisclosed"},{"k":"e"}]},"h":464,"p":"Été — résumé attached.","s":{"c":"@a.example,@b.example:route@example.com","d":{"t":1057217341,"z":-27000},"f":"André <andre@example.com>, \"Zoë\" <zoe@example.org>","m":"<v1-row@example.com>","s":"été – plans","t":"Friends: alice@example.test, \"Bob B.\" <bob@example.test>;, undisclosed:;"},"v":1,"z":1108}"#

    static var fixtures: [[UInt8]] {
        [MIMETreeTests.simple, MIMETreeTests.alternative, MIMETreeTests.mixed, MIMETreeTests.nested,
         PerformanceTests.tenKilobyteMessage(), richMessage]
    }

    static let headerVariants = [
        "",
        "From: a@example.com\n",
        "From: =?utf-8?q?Fran=C3=A7ois?= <f@example.com>\nTo: Team: x@example.com, \"Y\" <y@example.com>;\nSubject: =?iso-8859-1?b?Y2Fm6Q==?=\n",
        "From: Zoë Ünicode <zoë@exämple.org>\nSubject: Grüße — 日本語\nDate: Mon, 31 Dec 1969 23:59:59 -1200\n",
        "From: a@example.com\nSender: s@example.com\nReply-To: r1@example.com, r2@example.com\nTo: undisclosed-recipients:;\nCc: <@route.example:c@example.com>\nBcc: b@example.com\n",
        "Date: garbage\nSubject:\nMessage-ID: <id@example.com>\nIn-Reply-To: <p@example.com>\nFrom: \"\" <@>\n",
        "Date: 1 Jan 2038 03:14:08 +1400\nFrom: broken <no-domain>, , ;\nTo: a@b, (comment) c@d\n",
    ]

    static let bodyVariants = [
        "\nplain body\n",
        "",
        "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9\n",
        "Content-Type: multipart/alternative; boundary=a\n\n--a\nContent-Type: text/plain\n\np\n--a\nContent-Type: text/html; charset=utf-8\n\n<b>h</b>\n--a--\n",
        "Content-Type: multipart/mixed; boundary=m\n\n--m\n\nfirst\n--m\nContent-Type: message/rfc822\n\nFrom: In <in@example.com>\nSubject: inner\nContent-Type: multipart/alternative; boundary=n\n\n--n\n\ninner\n--n--\n\n--m\nContent-Type: application/octet-stream; name*=utf-8''%C3%A9t%C3%A9.bin\nContent-Disposition: attachment; filename=x.bin; size=3\nContent-Language: de\nContent-Location: a b c\n\nxyz\n--m--\n",
        "Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nbody one\n--d\n\nSubject: two\n\n--d--\n",
        "Content-Type: message/global\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeAoK\n",
        "Content-Type: multipart/mixed\n\nno boundary\n",
    ]

    static var generated: [[UInt8]] {
        var messages: [[UInt8]] = []
        for header in headerVariants {
            for body in bodyVariants {
                messages.append(Fixture.crlf(header + body))
            }
        }
        messages.append(deeplyNested(levels: 80, multipart: true))
        messages.append(deeplyNested(levels: 80, multipart: false))
        messages.append([0xFF, 0xFE, 0x0D, 0x0A, 0x0D, 0x0A, 0xC3])   // not text at all
        messages.append(Array("Subject: caf\u{E9}\r\n\r\n".utf8.map { $0 == 0xC3 ? 0xE9 : $0 }))   // stray Latin-1
        return messages
    }

    static var all: [[UInt8]] { fixtures + generated }

    /// Nesting beyond the parser's depth limit: the deepest levels become opaque leaves.
    static func deeplyNested(levels: Int, multipart: Bool) -> [UInt8] {
        var text = ""
        for level in 0..<levels {
            text += multipart ? "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n"
                              : "Subject: level \(level)\nContent-Type: message/rfc822\n\n"
        }
        text += "Content-Type: text/plain\n\ncore\n"
        if multipart {
            for level in (0..<levels).reversed() { text += "--b\(level)--\n" }
        }
        return Fixture.crlf(text)
    }
}
