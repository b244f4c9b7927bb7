require "fileinto";
fileinto "Included";
