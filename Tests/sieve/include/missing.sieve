require "include";
include :optional "no-such-script";
include "no-such-script";
