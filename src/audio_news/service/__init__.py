"""The newsroom service over the same pipeline: an HTTP API, queue workers and a feed watcher.

``settings`` reads the ``[service]`` table; ``jobs`` is the job store on disk (the one owner of
the job document); ``runner`` makes one job's episode with ``Producer``; ``queue`` runs jobs on
Dramatiq, over Redis or in-process; ``callbacks`` signs and delivers status documents; ``api``
is the HTTP front; ``watch`` turns RSS and Atom items into episodes.
"""
