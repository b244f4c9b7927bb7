frop;
frip;
