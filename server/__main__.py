"""`python -m server [--host 127.0.0.1] [--port 8000] [--token TOKEN] [--allow-host NAME]...`: the deck and its
live demos."""
import argparse
import os
import sys

import waitress

from server import create_app
from server.guard import host_name, is_loopback


def allowed_name(text):
    try:
        return host_name(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error}: give the name alone, as talk.lan or 192.168.1.5 "
                                         "(no scheme, port or path: every port is allowed)") from None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: loopback only)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--token", default=os.environ.get("GIL_TOKEN"), help="presenter token; required off loopback")
    parser.add_argument("--allow-host", action="append", default=[], type=allowed_name, metavar="NAME",
                        help="also answer requests addressed to NAME (repeatable): a name or IP address this "
                             "machine is reached by; loopback names and the --host value always are")
    parser.add_argument("--site", help="the built site to serve (default: site/ beside the code)")
    args = parser.parse_args(argv)
    try:
        host = host_name(args.host)
    except ValueError as error:
        parser.error(f"argument --host: {error}")
    if not is_loopback(host) and not args.token:
        print(f"python -m server: refusing to listen on {args.host} without --token: anyone who can reach it "
              "could run the demos on this machine", file=sys.stderr)
        return 2
    app = create_app({"TOKEN": args.token, "ALLOWED_HOSTS": [host, *args.allow_host],
                      **({"SITE_DIR": os.path.abspath(args.site)} if args.site else {})})
    if not os.path.exists(os.path.join(app.config["SITE_DIR"], "index.html")):
        print("python -m server: site/ is not built: run `python build.py` (or `make serve`)", file=sys.stderr)
        return 2
    print(f"Serving the talk at http://{host}:{args.port}/  (Ctrl-C stops)", flush=True)
    if host in ("0.0.0.0", "[::]"):
        print(f"Listening on every address: it answers only requests addressed to loopback names and "
              f"--allow-host names ({', '.join(args.allow_host) or 'none given'}).", flush=True)
    # send_bytes=1: server-sent events reach the slide as they happen, not when a buffer fills
    waitress.serve(app, host=args.host, port=args.port, threads=24, send_bytes=1, ident="gil-talk",
                   _quiet=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
