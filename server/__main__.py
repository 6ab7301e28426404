"""`python -m server [--host 127.0.0.1] [--port 8000] [--token TOKEN]`: the deck and its live demos."""
import argparse
import ipaddress
import os
import sys

import waitress

from server import create_app


def is_loopback(host):
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token", default=os.environ.get("GIL_TOKEN"), help="presenter token; required off loopback")
    parser.add_argument("--site", help="the built site to serve (default: site/ beside the code)")
    args = parser.parse_args(argv)
    if not is_loopback(args.host) and not args.token:
        print(f"python -m server: refusing to listen on {args.host} without --token: anyone who can reach it "
              "could run the demos on this machine", file=sys.stderr)
        return 2
    app = create_app({"TOKEN": args.token, **({"SITE_DIR": os.path.abspath(args.site)} if args.site else {})})
    if not os.path.exists(os.path.join(app.config["SITE_DIR"], "index.html")):
        print("python -m server: site/ is not built: run `python build.py` (or `make serve`)", file=sys.stderr)
        return 2
    print(f"Serving the talk at http://{args.host}:{args.port}/  (Ctrl-C stops)", flush=True)
    # send_bytes=1: server-sent events reach the slide as they happen, not when a buffer fills
    waitress.serve(app, host=args.host, port=args.port, threads=24, send_bytes=1, ident="gil-talk",
                   _quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
