import { describe, expect, it } from 'vitest';
import { defaultMessage, errorFromClose, errorFromFrame } from './speech-errors';

describe('errorFromFrame', () => {
  it("reads the socket's voice_id_does_not_exist as Hark's voice_not_found", () => {
    const error = errorFromFrame(
      'voice_id_does_not_exist',
      'A voice with voice_id abc does not exist.',
      1008,
    );
    expect(error).toMatchObject({ code: 'voice_not_found', status: 1008 });
    expect(error.message).toBe(defaultMessage('voice_not_found'));
  });

  it('keeps the server words for a code it does not know', () => {
    const error = errorFromFrame('something_new', 'A new kind of problem.', 1008);
    expect(error).toMatchObject({ code: 'server_error', status: 1008 });
    expect(error.message).toContain('A new kind of problem.');
  });
});

describe('errorFromClose', () => {
  it('a 1008 that names a missing voice, without a frame before it, is voice_not_found', () => {
    expect(errorFromClose(1008, 'A voice with voice_id abc does not exist.')).toMatchObject({
      code: 'voice_not_found',
      status: 1008,
    });
  });
});
