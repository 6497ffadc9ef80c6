"""Start moto's S3/STS/IAM server on 127.0.0.1:<port> for the MediaOps test harness.

Test-harness only: nothing here ships in the module. It exists so that quirks of moto's
IAM-enforcing mode can be worked around in one place (see fix_sigv4_canonicalisation),
never in the product.
"""
import argparse
import sys


def fix_sigv4_canonicalisation():
    """Hook for moto signature-check workarounds (getmoto/moto#5948); filled in by the harness."""
    return


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    fix_sigv4_canonicalisation()

    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address=args.host, port=args.port, verbose=False)
    server.start()
    print(f"moto listening on http://{args.host}:{args.port}", flush=True)
    try:
        server._thread.join()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
