"""Tests of the fake Bot API server and its simulated users."""
