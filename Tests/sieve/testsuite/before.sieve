require "editheader";
addheader "X-Checked" "yes";
