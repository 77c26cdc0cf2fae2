int a; // it's "quoted" /* c */ here
int b; // say "hi
int c; // end"
int d;
