/* a .c included by a.c: a dependency in a.o's directory */
int impl_fn(int x) { return x; }
