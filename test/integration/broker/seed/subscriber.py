# The seed's subscriber.py, pointed at a port: subscribes to a topic prefix and prints what arrives.
import json
import sys

import zmq

context = zmq.Context()
sub = context.socket(zmq.SUB)
sub.connect(f"tcp://127.0.0.1:{sys.argv[1]}")
sub.setsockopt_string(zmq.SUBSCRIBE, sys.argv[2])
while True:
    topic, payload = sub.recv_multipart()
    print(json.dumps({"topic": topic.decode(), "payload": json.loads(payload)}), flush=True)
