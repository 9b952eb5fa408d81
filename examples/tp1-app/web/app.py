"""TP1's web app: counts visits in Redis. Standard library only (the RESP protocol is two lines),
so it builds on any image with python3 and needs no package index."""
import os
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REDIS = (os.environ.get("REDIS_HOST", "redis"), int(os.environ.get("REDIS_PORT", "6379")))


def incr(key: bytes) -> int:
    with socket.create_connection(REDIS, timeout=3) as s:
        s.sendall(b"*2\r\n$4\r\nINCR\r\n$%d\r\n%s\r\n" % (len(key), key))
        reply = s.makefile("rb").readline()
    if not reply.startswith(b":"):
        raise OSError("redis answered " + reply.decode(errors="replace").strip())
    return int(reply[1:])


class Visits(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            code, body = 200, "ok\n"
        else:
            try:
                code, body = 200, "Hello from %s! I have been seen %d times.\n" % (socket.gethostname(), incr(b"hits"))
            except OSError as e:
                code, body = 503, "redis is not reachable: %s\n" % e
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    ThreadingHTTPServer(("", int(os.environ.get("PORT", "5000"))), Visits).serve_forever()
