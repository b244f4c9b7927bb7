require "include";
include "../etc/passwd";
include :personal :global "x";
