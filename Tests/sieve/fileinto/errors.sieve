require "fileinto";
fileinto :create "A";
fileinto;
fileinto "";
