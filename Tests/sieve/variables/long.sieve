require ["variables", "fileinto"];
set "v" "0123456789abcdef";
if string :is "${v}" "0123456789" {
    fileinto "Truncated";
}
