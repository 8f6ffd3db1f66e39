"""tcacrawler's own Scrapy signals."""

# Sent with ``path=`` by AtomicFileFeedStorage once an output file is complete and fsynced,
# just before it is renamed into place. A handler that raises stops the publication.
output_ready = object()
