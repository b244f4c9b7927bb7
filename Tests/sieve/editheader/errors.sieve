require "editheader";
addheader "Bad Name" "x";
deleteheader :last "x-tag";
