"""Mulin's benchmark suite: the tier S/M/L data generator (`generate`), the load harness (`run`),
the CI gate (`gate`) and the floor endpoints the bench settings mount (`views`).

See docs/benchmarks.md for the method and the latest figures."""
