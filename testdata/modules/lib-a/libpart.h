int libpart_fn(int v);
