require ["fileinto", "mailbox"];
if header :is "x-checked" "yes" {
    fileinto :create "Marked";
}
