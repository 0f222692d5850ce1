"""Conversation throughput: the real bot process against the simulator, beside a bare PTB bot.

`python -m tests.bench.load --help`; see docs/benchmarks.md. Nothing is imported here, so
the echo bot (a module of this package) runs with nothing but PTB loaded.
"""
