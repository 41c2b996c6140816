"""Speed: the benchmark against the naive pipeline, the load driver, the soak and the scale
benchmark. They measure how fast and how lean the service is, never what it answers."""
