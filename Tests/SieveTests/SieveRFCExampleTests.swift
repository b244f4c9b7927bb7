import Testing
import Sieve

/// The example scripts of the RFCs (they are the spec's own examples) compile; those that use
/// extensions this server lacks, or that carry a known erratum, fail with the expected message.
struct SieveRFCExampleTests {
    static let valid: [(String, String)] = [
        ("RFC 5228 §9", #"""
        require ["fileinto"];
        #
        # Handle messages from known mailing lists
        # Move messages from IETF filter discussion list to filter mailbox
        #
        if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                {
                fileinto "filter";  # move to "filter" mailbox
                }
        #
        # Keep all messages to or from people in my company
        #
        elsif address :DOMAIN :is ["From", "To"] "example.com"
                {
                keep;               # keep in "In" mailbox
                }
        elsif anyof (NOT address :all :contains
                       ["To", "Cc", "Bcc"] "me@example.com",
                     header :matches "subject"
                       ["*make*money*fast*", "*university*dipl*mas*"])
                {
                fileinto "spam";   # move to "spam" mailbox
                }
        else
                {
                # Move all other (non-company) mail to "personal"
                # mailbox.
                fileinto "personal";
                }
        """#),
        ("RFC 5228 §2.9", #"""
        if header :contains ["From"] ["coyote"] {
           redirect "acm@example.com";
        } elsif header :contains "Subject" "$$$" {
           redirect "postmaster@example.com";
        } else {
           redirect "field@example.com";
        }
        """#),
        ("RFC 5228 §5.3", #"""
        if anyof (not exists ["From", "Date"],
                  header :contains "from" "fool@example.com") {
           discard;
        }
        """#),
        ("RFC 5228 §5.7", #"""
        if header :contains ["SuBjEcT"] "$$$" {
           discard;
        } elsif size :over 1M { discard; }
        """#),
        ("RFC 5228 §2.4.2", "require \"fileinto\";\nif size :over 100K {\nfileinto text:\nbig\n..\n.\n;\n}\n"),
        ("RFC 5229 §3", #"""
        require ["encoded-character", "variables"];
        set "name" "Ethelbert";
        if header :contains "Subject" "dear${hex:20 24 7b 4e}ame}" {
            # the test string is "dear Ethelbert"
        }
        """#),
        ("RFC 5229 §3.2", #"""
        require ["fileinto", "variables"];
        if header :matches "List-ID" "*<*@*" {
            fileinto "INBOX.lists.${2}"; stop;
        }
        """#),
        ("RFC 5229 §4", #"""
        require "variables";
        set "honorific"  "Mr";
        set "first_name" "Wile";
        set "last_name"  "Coyote";
        set "vacation" text:
        Dear ${HONORIFIC} ${last_name},
        I'm out, please leave a message after the meep.
        .
        ;
        set :length "length" "${vacation}";
        set :upper "a" "${honorific}";
        set :upperfirst :lower "b" "${first_name}";
        """#),
        ("RFC 5229 §5", #"""
        require "variables";
        set "state" "${state} pending";
        if string :matches " ${state} " "* pending *" {
            # the above test always succeeds
        }
        """#),
        ("RFC 5230 §4", #"""
        require "vacation";
        if header :contains "subject" "cyrus" {
            vacation "I'm out -- send mail to cyrus-bugs";
        } else {
            vacation "I'm out -- call me at +1 304 555 0123";
        }
        """#),
        ("RFC 5230 §4.2", #"""
        require ["vacation", "variables"];
        if header :matches "subject" "*" {
            vacation :subject "Automatic response to: ${1}"
                     "I'm away -- send mail to foo in my absence";
        }
        """#),
        ("RFC 5230 §4.2 handle", #"""
        require "vacation";
        if header :contains "subject" "lunch" {
            vacation :handle "ran-away" "I'm out and can't meet for lunch";
        } else {
            vacation :handle "ran-away" "I'm out";
        }
        """#),
        ("RFC 5230 §4.5 mime", "require \"vacation\";\nvacation :mime text:\nContent-Type: text/plain\n\nI'm at the beach.\n.\n;\n"),
        ("RFC 5230 §4.6", #"""
        require "vacation";
        vacation :days 23 :addresses ["tjs@example.edu",
                                      "ts4z@landru.example.edu"]
        "I'm away until October 19.
        If it's an emergency, call 911, I guess." ;
        """#),
        ("RFC 5230 §4.7", #"""
        require "vacation";
        if header :contains "from" "boss@example.edu" {
            redirect "pleeb@isp.example.org";
        } else {
            vacation "Sorry, I'm away, I'll read your
        message when I get around to it.";
        }
        """#),
        ("RFC 5230 §6", #"""
        require "vacation";
        if address :matches "from" "*@ourdivision.example.com"
        {
            vacation :subject "Gone fishing"
                     "Having lots of fun! Back in a day or two!";
        } else {
            vacation :subject "Je suis parti cette semaine"
                     "Je lirai votre message quand je retourne.";
        }
        """#),
        ("RFC 5231 §7", #"""
        require ["relational", "comparator-i;ascii-numeric", "fileinto"];
        if header :value "lt" :comparator "i;ascii-numeric"
                  ["x-priority"] ["3"]
        {
           fileinto "Priority";
        }
        elsif address :count "gt" :comparator "i;ascii-numeric"
                   ["to"] ["5"]
        {
           fileinto "SPAM";
        }
        elsif address :value "gt" :all :comparator "i;ascii-casemap"
                   ["from"] ["M"]
        {
           fileinto "From N-Z";
        } else {
           fileinto "From A-M";
        }
        if allof ( address :count "eq" :comparator "i;ascii-numeric"
                           ["to", "cc"] ["1"] ,
                   address :all :comparator "i;ascii-casemap"
                           ["to", "cc"] ["me@foo.example.com"] )
        {
           fileinto "Only me";
        }
        """#),
        ("RFC 5232 §9", #"""
        require ["fileinto", "imap4flags", "variables"];
        if size :over 1M
                {
                addflag "MyFlags" "Big";
                if header :is "From" "boss@company.example.com"
                           {
                           addflag "MyFlags" "\\Flagged";
                           }
                fileinto :flags "${MyFlags}" "Big messages";
                }
        if header :is "From" "grandma@example.net"
                {
                addflag "MyFlags" ["\\Answered", "$MDNSent"];
                fileinto :flags "${MyFlags}" "GrandMa";
                }
        if header :is "Sender" "owner-ietf-mta-filters@example.org"
                {
                set "MyFlags" "\\Flagged $Work";
                keep :flags "${MyFlags}";
                }
        """#),
        ("RFC 5232 §5", #"""
        require ["imap4flags", "fileinto"];
        if header :contains "from" "boss@frobnitzm.example.edu" {
            setflag "\\Flagged";
            fileinto :flags "\\Deleted" "INBOX.From Boss";
        }
        if hasflag :contains "MyVar" "Junk" { discard; }
        if hasflag ["\\Seen", "\\Flagged"] { keep; }
        removeflag "\\Flagged";
        """#),
        ("RFC 5233 §6", #"""
        require ["envelope", "subaddress", "fileinto"];
        if envelope :user "to" "postmaster" {
            fileinto "inbox.postmaster";
            stop;
        }
        if envelope :detail "to" "mta-filters" {
            fileinto "inbox.ietf-mta-filters";
        }
        if envelope :detail "to" "foo" {
            redirect "ken@example.net";
        }
        """#),
        ("RFC 5173 §5", #"""
        require "body";
        if body :raw :contains "MAKE MONEY FAST" {
                discard;
        }
        """#),
        ("RFC 5173 §7", #"""
        require ["body", "fileinto"];
        if body :content "text" :contains ["missile", "coordinates"] {
                fileinto "secrets";
        }
        if body :content "audio/mp3" :contains "" {
                fileinto "jukebox";
        }
        if body :text :contains "project schedule" {
                fileinto "project/schedule";
        }
        """#),
        ("RFC 5260 §7 a", #"""
        require ["date", "relational", "fileinto"];
        if allof(header :is "from" "boss@example.com",
                 date :value "ge" :originalzone "date" "hour" "09",
                 date :value "lt" :originalzone "date" "hour" "17")
        { fileinto "urgent"; }
        """#),
        ("RFC 5260 §7 b", #"""
        require ["date", "relational", "fileinto"];
        if anyof(date :is "received" "weekday" "0",
                 date :is "received" "weekday" "6")
        { fileinto "weekend"; }
        """#),
        ("RFC 5260 §7 c", #"""
        require ["date", "relational"];
        if anyof(currentdate :is "weekday" "0",
                 currentdate :is "weekday" "6",
                 currentdate :value "lt" "hour" "09",
                 currentdate :value "ge" "hour" "17")
        { redirect "pager@example.com"; }
        """#),
        ("RFC 5260 §7 d", #"""
        require ["date", "relational", "vacation"];
        if allof(currentdate :value "ge" "date" "2007-06-30",
                 currentdate :value "le" "date" "2007-07-07")
        { vacation :days 7  "I'm away during the first week in July."; }
        """#),
        ("RFC 5260 §7 e", #"""
        require ["date", "variables", "fileinto"];
        if currentdate :matches "month" "*" { set "month" "${1}"; }
        if currentdate :matches "year"  "*" { set "year"  "${1}"; }
        fileinto "${month}-${year}";
        """#),
        ("RFC 5260 §7 f", #"""
        require ["variables", "date", "editheader"];
        if currentdate :matches "std11" "*"
          {addheader "Processing-date" "${0}";}
        """#),
        ("RFC 5293 §4", #"""
        require ["editheader"];
        /* Don't redirect if we already redirected */
        if not header :contains "X-Sieve-Filtered"
                ["<kim@job.example.com>", "<kim@home.example.com>"]
        {
                addheader "X-Sieve-Filtered" "<kim@job.example.com>";
                redirect "kim@home.example.com";
        }
        """#),
        ("RFC 5293 §5", #"""
        require ["editheader"];
        deleteheader :index 1 :last "X-Spam";
        deleteheader :contains "X-Spam-Flag" "yes";
        deleteheader "Comments";
        """#),
        ("RFC 5429 §2.1", #"""
        require ["ereject"];
        if address "from" "someone@example.com" {
            ereject "I no longer accept mail from this address";
        }
        """#),
        ("RFC 5429 §2.2", "require [\"reject\"];\nif size :over 100K {\n    reject text:\nYour message is too big.\n.\n;\n}\n"),
        ("RFC 5490 §3.1", #"""
        require ["fileinto", "reject", "mailbox"];
        if mailboxexists "Partners" {
           fileinto "Partners";
        } else {
           reject "This message was not accepted by the Mailstore";
        }
        """#),
        ("RFC 5463 §4", #"""
        require ["ihave", "fileinto"];
        if ihave "vnd.example.nonsense" {
            nonsense :wibble "x";
        } elsif ihave "envelope" {
            if envelope :is "from" "a@b.example" { fileinto "b"; }
        } else {
            error "no envelope";
        }
        """#),
        ("RFC 5183 §4", #"""
        require "environment";
        if environment :contains "item" "" { keep; }
        if environment :matches "remote-host" "*.example.com" { keep; }
        """#),
        ("RFC 6131 §2 a", #"""
        require ["vacation-seconds"];
        vacation :addresses ["tjs@example.edu", "ts4z@landru.example.edu"]
                 :seconds 1800
                 "I am in a meeting, and do not have access to email.";
        """#),
        ("RFC 6131 §2 b", #"""
        require ["vacation-seconds"];
        vacation :handle "auto-resp" :seconds 0
            "Your request has been received.  A service
             representative will contact you as soon as
             possible, usually within one business day.";
        """#),
        ("RFC 6609 §5 a", #"""
        require ["include"];
        include :personal "always_allow";
        include :global "spam_tests";
        include :personal "spam_tests";
        include :personal "mailing_lists";
        """#),
        ("RFC 6609 §5 b", #"""
        require ["fileinto", "include", "variables", "relational"];
        global "test";
        global "test_mailbox";
        set "test" "$$";
        include "subject_tests";
        set "test" "Make money";
        include "subject_tests";
        if string :count "eq" "${test_mailbox}" "1"
        {
            fileinto "${test_mailbox}";
            stop;
        }
        """#),
        ("RFC 6609 §5 c", #"""
        require ["variables", "include", "vacation"];
        global "i_am_on_vacation";
        set "global.i_am_on_vacation" "1";
        if string :is "${i_am_on_vacation}" "1"
        {
            vacation "It's true, I am on vacation.";
        }
        """#),
        ("RFC 7352 §3 a", "require \"duplicate\";\nif duplicate {\n  discard;\n}\n"),
        ("RFC 7352 §3 b", "require \"duplicate\";\nif duplicate :header \"message-id\" {\n  discard;\n}\n"),
        ("RFC 7352 §3 c", #"""
        require ["duplicate", "variables"];
        if header :matches "message-id" "*" {
          if duplicate :uniqueid "${0}" {
            discard;
          }
        }
        """#),
        ("RFC 7352 §4 a", #"""
        require ["duplicate", "fileinto", "mailbox"];
        if duplicate {
          fileinto :create "Trash/Duplicate";
        }
        """#),
        ("RFC 7352 §4 b", #"""
        require ["duplicate", "variables", "imap4flags",
          "fileinto"];
        if header :matches "subject" "ALERT: *" {
          if duplicate :seconds 60 :uniqueid "${1}" {
            setflag "\\seen";
          }
          fileinto "Alerts";
        }
        """#),
        ("RFC 7352 §4 c", #"""
        require ["duplicate", "imap4flags"];
        if duplicate :header "X-Event-ID" :handle "notifier" {
          discard;
        }
        if allof (
          duplicate :header "X-Ticket-ID" :handle "support",
          address "to" "support@example.com",
          header :contains "subject" "fileserver")
        {
          setflag "\\seen";
        }
        """#),
        ("RFC 3894 §3", "require [\"copy\", \"fileinto\"];\nfileinto :copy \"incoming\";\n"),
    ]

    @Test(arguments: valid)
    func exampleCompiles(name: String, source: String) {
        #expect(errors(source) == [], "\(name)")
    }

    /// Examples that must not compile here: unsupported extensions, and errata in the RFC text.
    @Test(arguments: [
        // RFC 5429 §2.4 uses spamtest (RFC 5235), not offered.
        ("require [\"ereject\", \"spamtest\"];\n", "1:9: unsupported extension 'spamtest' in require"),
        // RFC 5490 §3.3 uses mboxmetadata and metadata.
        ("require [\"mboxmetadata\", \"vacation\"];\n", "1:9: unsupported extension 'mboxmetadata' in require"),
        // RFC 5260 §6 example has a stray ',' before the block (erratum).
        ("""
        require ["date", "relational", "index"];
        if date :value "gt" :index 2 :zone "-0500" "received"
                "iso8601" "2007-02-26T09:00:00-05:00",
        { redirect "aftercutoff@example.org"; }
        """, "3:46: expected ';' after command 'if'"),
        // RFC 5232 §9 writes "anyof address …" without the test list (erratum).
        ("if anyof address :domain :is [\"From\", \"To\"] \"company.example.com\" { keep; }\n",
         "1:4: test 'anyof' needs a test list in '( … )'"),
    ])
    func invalidExample(source: String, expected: String) {
        #expect(errors(source).first == expected)
    }
}
