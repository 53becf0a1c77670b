"""Calls the supervisor's control socket with nothing but Python's standard library (docs/control.md)."""
import http.client
import json
import socket
import sys
import xmlrpc.client


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, socket_path):
        super().__init__("localhost")
        self.socket_path = socket_path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.socket_path)


class UnixTransport(xmlrpc.client.Transport):
    def __init__(self, socket_path):
        super().__init__()
        self.socket_path = socket_path

    def make_connection(self, host):
        return UnixConnection(self.socket_path)


control = xmlrpc.client.ServerProxy("http://localhost/RPC2", transport=UnixTransport(sys.argv[1]))
out = {
    "version": control.version(),
    "states": [[s["name"], s["state"]] for s in control.status()["services"]],
    "methods": control.system.listMethods(),
}
try:
    control.restart("nope")
    out["fault"] = None
except xmlrpc.client.Fault as fault:
    out["fault"] = [fault.faultCode, fault.faultString]
print(json.dumps(out))
