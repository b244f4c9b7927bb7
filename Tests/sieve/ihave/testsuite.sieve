require ["ihave", "fileinto"];
if ihave "vnd.dovecot.testsuite" {
    fileinto "Leak";
}
