"""tcacrawler: a polite, resumable Scrapy crawler for The Times of Central Asia."""

import os

# numpy (the deduplicator's MinHash) does elementwise integer work here, never BLAS; its
# OpenBLAS would still start a worker thread per extra core at import, whose idle spinning
# callgrind counted in some runs. Set before anything imports numpy; a value the
# environment gives wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
