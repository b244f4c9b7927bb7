require "frobnicate";
keep;
require "fileinto";
