/**
 * Malformed input for `room`, each frame (without its newline) beside the error code a hub started
 * with --max-text 100 answers it with; none of them ends the connection.
 */
export const malformedFrames = (room: string): { raw: string | Buffer; code: string }[] => [
  { raw: 'not json', code: 'bad_json' },
  { raw: '[1,2,3]', code: 'bad_json' },
  { raw: '{"type":"dance"}', code: 'unknown_type' },
  { raw: `{"type":"say","room":"${room}"}`, code: 'bad_field' },
  { raw: Buffer.concat([Buffer.from('{"type":"say","text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), code: 'bad_json' },
  { raw: JSON.stringify({ type: 'say', room, text: 'x'.repeat(101), id: 'long' }), code: 'text_too_long' },
];
