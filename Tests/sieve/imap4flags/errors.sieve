require ["imap4flags", "variables"];
setflag "bad-name" "\\Seen";
addflag;
