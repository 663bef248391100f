"""A local stand-in for an MNIST HTTP mirror: serves a folder on 127.0.0.1 and logs requests."""

import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class Handler(SimpleHTTPRequestHandler):
    """Serves files whole, cut off halfway ("cut"), or hangs up without an answer ("hang up")."""

    def __init__(self, *args, mode, requests, **kwargs):
        self.mode, self.requests = mode, requests
        super().__init__(*args, **kwargs)

    def do_GET(self):
        self.requests.append(self.path)
        if self.mode == "whole":
            return super().do_GET()
        if self.mode == "cut":
            file = self.send_head()  # headers announce the whole length
            if file:
                with file:
                    data = file.read()
                self.wfile.write(data[: len(data) // 2])
        self.close_connection = True

    def log_message(self, format, *args):
        pass  # keep test output clean


@contextmanager
def serve(folder, mode="whole"):
    """Serve `folder` at a free port of 127.0.0.1; yield (base URL ending in /, list of requested paths)."""
    requests = []
    handler = partial(Handler, directory=str(folder), mode=mode, requests=requests)
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # A short poll interval, since shutdown() waits for the current poll to end.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
