"""Listening back: recognize each segment of a finished episode and compare it with its text.

``recognizer`` wraps the optional offline recognizer (the ``check`` extra), ``compare`` puts
both texts in one normal form and counts word errors, ``check`` cuts an episode at its
segment timings, flags what sounds wrong and writes ``<slug>.check.json``.
"""
