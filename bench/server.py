"""The benchmark's server process: channelhub and a bare Flask endpoint on one waitress server."""

from __future__ import annotations

import argparse
import logging

import waitress
from flask import Flask, jsonify, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from application.webhooks import _Stored
from bootstrap.app import create_app
from bootstrap.cli import DEFAULT_THREADS


def bare_app() -> Flask:
    """The baseline: parse the JSON body and answer, as the smallest real webhook would."""
    app = Flask("bare")

    @app.post("/hook")
    def hook():  # type: ignore[no-untyped-def]
        payload = request.get_json()
        return jsonify(status="ok", seen=bool(payload))

    return app


def skip_storage(app: Flask) -> None:
    """The ceiling for any work on the storage side: the webhook's transaction is never run."""
    runner = app.extensions["channelhub.container"].group_commit()
    runner.run = lambda job: _Stored()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument(
        "--skip-storage",
        action="store_true",
        help="an experiment: webhooks are verified and parsed but nothing is stored",
    )
    args = parser.parse_args()
    # A full queue under load is the point of the bench; its warnings would drown the figures.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    channelhub = create_app(public_url=f"http://127.0.0.1:{args.port}", deliver=False)
    if args.skip_storage:
        skip_storage(channelhub)
    app = DispatcherMiddleware(channelhub, {"/bare": bare_app()})
    waitress.serve(app, host="127.0.0.1", port=args.port, threads=args.threads, _quiet=True)


if __name__ == "__main__":
    main()
