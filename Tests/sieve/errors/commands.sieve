frop;
fileinto "Folder";
else { keep; }
if size 100 { keep; }
if header :is :contains "subject" "x" { keep; }
