"""The seed's room service, as the reference: Python's standard SimpleXMLRPCServer serving the same
two methods the benchmark calls, with the same rooms as the room service gets: 10 listed rooms
(what list_rooms returns) and a pool of unlisted rooms that join_room adds members to.

Usage: python3 python_server.py <port> <pool size> [http1.0|keep-alive]; prints "ready" once listening.

http1.0 (the default) is the seed's server exactly: it answers HTTP/1.0 and closes the connection
after every call, so a client reconnects for each one. keep-alive is the same server answering
HTTP/1.1 with persistent connections, as the room service does, so that the two compare like with
like; it serves each connection on its own thread, since one thread would serve one persistent
connection at a time and make every other client wait for it to close."""
import sys
from socketserver import ThreadingMixIn
from xmlrpc.server import SimpleXMLRPCRequestHandler, SimpleXMLRPCServer

rooms = {f"room-{i}": {"name": f"room-{i}", "topic": "", "members": ["owner"], "unlisted": False} for i in range(10)}
rooms.update({f"pool-{i}": {"name": f"pool-{i}", "topic": "", "members": ["owner"], "unlisted": True} for i in range(int(sys.argv[2]))})


def list_rooms():
    return [{"name": r["name"], "topic": r["topic"], "members": len(r["members"]), "private": False} for r in rooms.values() if not r["unlisted"]]


def join_room(name, user):
    room = rooms[name]
    room["members"].append(user)
    return {"room": name, "user": user, "members": room["members"]}


class KeepAliveHandler(SimpleXMLRPCRequestHandler):
    protocol_version = "HTTP/1.1"


class ThreadedServer(ThreadingMixIn, SimpleXMLRPCServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: 64 clients connecting at once would wait out
    # SYN retransmits (a second and more) and the bench would measure that instead of the server.
    request_queue_size = 128


mode = sys.argv[3] if len(sys.argv) > 3 else "http1.0"
if mode not in ("http1.0", "keep-alive"):
    sys.exit(f"mode must be http1.0 or keep-alive, got {mode}")
address = ("127.0.0.1", int(sys.argv[1]))
if mode == "keep-alive":
    server = ThreadedServer(address, requestHandler=KeepAliveHandler, logRequests=False, allow_none=True)
else:
    server = SimpleXMLRPCServer(address, logRequests=False, allow_none=True)
server.register_function(list_rooms)
server.register_function(join_room)
print("ready", flush=True)
server.serve_forever()
