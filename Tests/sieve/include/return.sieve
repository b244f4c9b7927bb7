require "include";
include "returns";
discard;
