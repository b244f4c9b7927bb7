require ["imap4flags"];
if header :contains "from" "boss@example.com" {
    setflag "\\Flagged";
    if header :contains "subject" "Urgent" {
        addflag "\\Answered";
        removeflag "\\Answered";
    }
}
