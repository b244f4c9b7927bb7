require "include";
include :personal "file-it";
include :once "file-it";
include :global "redirect-it";
