// Usage text of `hark` and of each command.
import type { CommandName } from './args';

const OVERVIEW = `Hark reads text aloud, streamed, with ElevenLabs or its built-in offline voice.

Usage:
  hark speak "text" | - | --clipboard [options]   read text aloud (or write it to a file)
  hark voices [--engine E] [--json]               list the voices
  hark serve [--port N] [--token T]               run the offline voice as a stream-input server
  hark help [command]                             more about a command
  hark --log-path                                 where the desktop app writes its log

The offline voice is used unless an ElevenLabs key is set (ELEVENLABS_API_KEY) or --engine says otherwise.
`;

const SPEAK = `Usage: hark speak "text" | - | --clipboard [options]

  "text"            the text to read (several words are joined with spaces)
  -                 read stdin as it arrives (pipe an LLM's output in; ends at end of input)
  --clipboard       read the system clipboard (wl-paste, xclip, xsel, pbpaste or PowerShell)

Options:
  -o, --out FILE    write audio to FILE instead of playing it; .wav, .mp3 or .pcm (raw S16LE mono),
                    any other extension with --format writes the server's bytes unchanged
  --voice ID        voice id (see hark voices); default en-us offline, Rachel on ElevenLabs
  --engine E        offline or elevenlabs (default: elevenlabs when a key is set, else offline)
  --format F        output_format, e.g. pcm_22050, mp3_44100_128, ulaw_8000 (default from --out)
  --model ID        model_id for ElevenLabs, e.g. eleven_flash_v2_5 (default: the server's)
  --speed X         0.5 to 3 (default 1), pitch kept; needs pcm audio (an .mp3 file is encoded here)
  --lexicon FILE    your pronunciations: JSON exported from Hark's Settings, or lines "word = say it"
  --verbatim        send the text as it is (by default Markdown, HTML, URLs and emoji are made
                    speakable, numbers are spelled out where the voice would not, and paragraphs
                    in another language get that language's offline voice)
  --base-url URL    ElevenLabs server (default ELEVENLABS_BASE_URL or https://api.elevenlabs.io)
  --trust-base-url  send the API key to a --base-url that is neither ElevenLabs' nor this computer's

Without --out the audio streams into paplay, aplay or ffplay (afplay plays once all audio is in).
On a terminal a reading shows its progress and can be steered: space pause/resume,
←/→ previous/next sentence (not for stdin, whose text is still arriving), +/- speed by 0.1,
q stop (exit status 0). With text piped in, the keys are read from the terminal.
Environment: ELEVENLABS_API_KEY, ELEVENLABS_BASE_URL. Ctrl-C stops at once (exit status 130).
`;

const VOICES = `Usage: hark voices [--engine offline|elevenlabs] [--base-url URL [--trust-base-url]] [--json]

Lists voice ids with their names; pass an id to hark speak --voice.
`;

const SERVE = `Usage: hark serve [--port N] [--token T]

Serves the offline voice on 127.0.0.1 with ElevenLabs' stream-input WebSocket protocol, so any
ElevenLabs client can use it: give it the printed url as its base URL and the token as its API key.
Prints one JSON line {"url", "token", "port"} when ready. A token is generated unless --token is given.
--port 0 (the default) picks a free port. Stops on Ctrl-C or SIGTERM.
`;

export function helpText(topic?: CommandName): string {
  switch (topic) {
    case 'speak':
      return SPEAK;
    case 'voices':
      return VOICES;
    case 'serve':
      return SERVE;
    case undefined:
      return OVERVIEW;
  }
}
