"""Benchmarks of the mock, each run as a module from the repository's root.

    python -m benchmarks.scale [--short]   # startup, memory and throughput by world size
    python -m benchmarks.load [--short]    # many connections: zero errors, no leak
    python -m benchmarks.plugin_cost [--short]  # the cost of one test per pytest fixture

`harness` is the one path they share: start a server, wait until it answers, warm it
up, drive it and read its CPU time and memory. `wrk` runs the load generator and reads
its figures; `ceiling` is the bare aiohttp server the scale benchmark compares the mock
with.
"""
