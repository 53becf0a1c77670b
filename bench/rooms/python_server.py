"""The seed's room service, as the reference: Python's standard SimpleXMLRPCServer serving the same
two methods the benchmark calls, with the same rooms as the room service gets: 10 listed rooms
(what list_rooms returns) and a pool of unlisted rooms that join_room adds members to.
Usage: python3 python_server.py <port> <pool size>; prints "ready" once listening."""
import sys
from xmlrpc.server import SimpleXMLRPCServer

rooms = {f"room-{i}": {"name": f"room-{i}", "topic": "", "members": ["owner"], "unlisted": False} for i in range(10)}
rooms.update({f"pool-{i}": {"name": f"pool-{i}", "topic": "", "members": ["owner"], "unlisted": True} for i in range(int(sys.argv[2]))})


def list_rooms():
    return [{"name": r["name"], "topic": r["topic"], "members": len(r["members"]), "private": False} for r in rooms.values() if not r["unlisted"]]


def join_room(name, user):
    room = rooms[name]
    room["members"].append(user)
    return {"room": name, "user": user, "members": room["members"]}


server = SimpleXMLRPCServer(("127.0.0.1", int(sys.argv[1])), logRequests=False, allow_none=True)
server.register_function(list_rooms)
server.register_function(join_room)
print("ready", flush=True)
server.serve_forever()
