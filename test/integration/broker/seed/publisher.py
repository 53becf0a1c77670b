# The seed's publisher.py, pointed at a port: pushes one event with topic room/general, then exits.
import json
import sys

import zmq

context = zmq.Context()
push = context.socket(zmq.PUSH)
push.connect(f"tcp://127.0.0.1:{sys.argv[1]}")
push.send_string(json.dumps({"topic": "room/general", "payload": {"user": "alice", "action": "joined", "n": int(sys.argv[2])}}))
push.close(linger=2000)
context.term()
