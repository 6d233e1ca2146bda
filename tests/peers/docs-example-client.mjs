// A stream-input client written the way the ElevenLabs documentation's TypeScript example is: the
// `ws` package, the key in the `xi-api-key` header, BOS + text + EOS sent as soon as the socket opens,
// audio appended to a file as it arrives, and the program ending when the server closes the socket
// (it never looks at `isFinal` to stop).
//
// Usage: node docs-example-client.mjs BASE_URL VOICE_ID TOKEN TEXT OUTPUT_FILE
// Prints a one-line JSON summary when the socket closes.
import { createWriteStream } from 'node:fs';
import WebSocket from 'ws';

const [baseUrl, voiceId, apiKey, text, outputFile] = process.argv.slice(2);
if (!outputFile) {
  console.error('usage: docs-example-client.mjs BASE_URL VOICE_ID TOKEN TEXT OUTPUT_FILE');
  process.exit(2);
}

const uri = new URL(`/v1/text-to-speech/${voiceId}/stream-input`, baseUrl.replace(/^http/, 'ws'));
uri.searchParams.set('model_id', 'eleven_flash_v2_5');
uri.searchParams.set('output_format', 'mp3_44100_128');

const websocket = new WebSocket(uri, { headers: { 'xi-api-key': apiKey } });
const audioFile = createWriteStream(outputFile);
const summary = { audioFrames: 0, audioBytes: 0, sawFinal: false, closeCode: null, error: null };

websocket.on('open', () => {
  websocket.send(
    JSON.stringify({
      text: ' ',
      voice_settings: { stability: 0.5, similarity_boost: 0.8, use_speaker_boost: false },
      generation_config: { chunk_length_schedule: [120, 160, 250, 290] },
    }),
  );
  websocket.send(JSON.stringify({ text }));
  websocket.send(JSON.stringify({ text: '' }));
});

websocket.on('message', (event) => {
  const data = JSON.parse(event.toString());
  if (data.audio) {
    const chunk = Buffer.from(data.audio, 'base64');
    audioFile.write(chunk);
    summary.audioFrames += 1;
    summary.audioBytes += chunk.length;
  }
  if (data.isFinal) summary.sawFinal = true;
  if (data.error) summary.error = data.error;
});

websocket.on('error', (error) => {
  summary.error = String(error.message);
});

websocket.on('close', (code) => {
  summary.closeCode = code;
  audioFile.end(() => {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exitCode = summary.sawFinal && summary.audioBytes > 0 ? 0 : 1;
  });
});
