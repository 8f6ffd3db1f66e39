"""A deterministic, seeded local replica of The Times of Central Asia (timesca.com).

    from replica import generate_site, ReplicaServer
    site = generate_site(n_stories=300, seed=1)
    server = ReplicaServer(site, port=0).start()   # sets site.base_url = server.base_url
    ...
    server.stop()

All text is synthetic.  ``site.truth()`` is what a correct crawler should export.
"""

from .app import Response, SiteApp
from .model import Site, Story, generate_site
from .server import ReplicaServer

__all__ = ["ReplicaServer", "Response", "Site", "SiteApp", "Story", "generate_site"]
