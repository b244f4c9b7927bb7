require "include";
include "level-2";
