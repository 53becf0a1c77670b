import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeStackEnv, type StackEnv, startService } from '../../helpers/processes.js';

let stack: StackEnv;

beforeAll(async () => {
  stack = await makeStackEnv();
  await startService('rooms', stack);
});

afterAll(() => stack.cleanup());

/** A client nobody here wrote: Python's standard library, as the seed's admin client used. */
const SCRIPT = `
import sys, json, xmlrpc.client
proxy = xmlrpc.client.ServerProxy(sys.argv[1])
out = {}
out["created"] = proxy.create_room("py-room", "guido", {"topic": "from python"})["members"]
out["joined"] = proxy.join_room("py-room", "tim")["members"]
out["listed"] = [r["name"] for r in proxy.list_rooms()]
try:
    proxy.join_room("no-such-room", "tim")
    out["fault"] = None
except xmlrpc.client.Fault as fault:
    out["fault"] = [fault.faultCode, fault.faultString]
multi = xmlrpc.client.MultiCall(proxy)
multi.system.ping()
multi.room_info("py-room")
results = list(multi())
out["multicall"] = [results[0], results[1]["members"]]
print(json.dumps(out))
`;

describe("Python's xmlrpc.client against the room service", () => {
  it('creates, joins, lists, gets a fault and runs a MultiCall', async () => {
    const result = await execa('python3', ['-c', SCRIPT, `http://127.0.0.1:${stack.roomsPort}/RPC2`], { timeout: 20_000 });
    expect(JSON.parse(result.stdout)).toEqual({
      created: ['guido'],
      joined: ['guido', 'tim'],
      listed: ['py-room'],
      fault: [101, 'there is no room named no-such-room; list the rooms, or create it'],
      multicall: ['pong', 2],
    });
  });
});
