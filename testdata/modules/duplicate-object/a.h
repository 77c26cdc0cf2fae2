int b_fn(int x);
int impl_fn(int x);
