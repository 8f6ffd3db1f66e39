"""CLI: ``python -m replica serve|truth|rates``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from .model import generate_site
from .presets import PRESETS
from .server import ReplicaServer


def _site_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site", choices=sorted(PRESETS), default="timesca", help="which site")
    p.add_argument("--stories", type=int, default=300)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date(2025, 12, 9),
        help="the site's 'today' (YYYY-MM-DD)",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replica", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve", help="serve the replica until killed")
    _site_args(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    truth = sub.add_parser("truth", help="print the truth as JSON lines")
    _site_args(truth)
    truth.add_argument("--base-url", default="http://127.0.0.1:8765")
    rates = sub.add_parser("rates", help="print the ticker truth as JSON lines")
    _site_args(rates)
    rates.add_argument("--base-url", default="http://127.0.0.1:8765")
    args = parser.parse_args(argv)

    if args.cmd == "serve":
        site = generate_site(
            args.stories,
            args.seed,
            f"http://{args.host}:{args.port}",
            today=args.today,
            **PRESETS[args.site],
        )
        server = ReplicaServer(site, host=args.host, port=args.port)
        print(f"replica serving {server.base_url} ({len(site.stories)} stories)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
        return 0
    site = generate_site(
        args.stories, args.seed, args.base_url, today=args.today, **PRESETS[args.site]
    )
    records = site.truth() if args.cmd == "truth" else site.rates_truth()
    out = sys.stdout
    for rec in records:
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
