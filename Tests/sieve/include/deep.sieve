require "include";
include "level-1";
