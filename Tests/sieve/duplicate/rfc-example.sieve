require ["duplicate", "fileinto", "mailbox"];
if duplicate :handle "rfc-example" {
    fileinto :create "Trash/Duplicate";
}
