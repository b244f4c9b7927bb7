require ["include", "variables", "fileinto"];
global "folder";
include "sets-folder";
if string :is "${folder}" "Shared" {
    fileinto "${folder}";
}
