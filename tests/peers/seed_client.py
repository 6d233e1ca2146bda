#!/usr/bin/env python3
"""A stream-input client that behaves like the example client of the original ElevenLabs page.

It uses the legacy asyncio API of the `websockets` library (Debian's python3-websockets 10.4):
the API key travels in the first (BOS) message as `xi_api_key`, the text is sent in small
chunks with `try_trigger_generation`, then the empty-string EOS; a listener collects audio until
a frame says `isFinal` or the server closes the socket.

Usage: seed_client.py BASE_URL VOICE_ID TOKEN TEXT OUTPUT_FILE
Writes the audio it received to OUTPUT_FILE and prints a one-line JSON summary on stdout.
"""

import asyncio
import base64
import json
import sys
import urllib.parse

import websockets

SPLITTERS = (".", ",", "?", "!", ";", ":", "—", "-", "(", ")", "[", "]", "}", " ")


def stream_uri(base_url, voice_id):
    parts = urllib.parse.urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = "/v1/text-to-speech/%s/stream-input" % urllib.parse.quote(voice_id, safe="")
    query = urllib.parse.urlencode({"model_id": "eleven_monolingual_v1"})
    return urllib.parse.urlunsplit((scheme, parts.netloc, path, query, ""))


def chunks_of(text):
    """Yields pieces that end after a splitter, each followed by one space, like an LLM feed."""
    piece = ""
    for word in text.split(" "):
        piece += word
        if piece.endswith(SPLITTERS) or len(piece) > 20:
            yield piece + " "
            piece = ""
        else:
            piece += " "
    if piece.strip():
        yield piece.strip() + " "


async def listen(websocket, summary, audio):
    while True:
        try:
            message = await websocket.recv()
        except websockets.exceptions.ConnectionClosed as closed:
            summary["close_code"] = closed.code
            return
        data = json.loads(message)
        summary["messages"] += 1
        if "error" in data:
            summary["error"] = data["error"]
            continue
        if data.get("audio"):
            audio.extend(base64.b64decode(data["audio"]))
            summary["audio_frames"] += 1
        if data.get("alignment"):
            summary["alignment_chars"] += "".join(data["alignment"]["chars"])
        if data.get("isFinal"):
            summary["is_final"] = True
            return


async def speak(base_url, voice_id, token, text, output_file):
    summary = {"messages": 0, "audio_frames": 0, "audio_bytes": 0, "is_final": False,
               "alignment_chars": "", "close_code": None, "error": None}
    audio = bytearray()
    async with websockets.connect(stream_uri(base_url, voice_id)) as websocket:
        await websocket.send(json.dumps({
            "text": " ",
            "voice_settings": {"stability": 0.5, "similarity_boost": True},
            "xi_api_key": token,
        }))
        listener = asyncio.create_task(listen(websocket, summary, audio))
        try:
            for chunk in chunks_of(text):
                await websocket.send(json.dumps({"text": chunk, "try_trigger_generation": True}))
            await websocket.send(json.dumps({"text": ""}))
        except websockets.exceptions.ConnectionClosed:
            pass  # the server gave up on us (e.g. a wrong key); the listener has its reason
        await listener
    if summary["close_code"] is None:
        summary["close_code"] = websocket.close_code
    summary["audio_bytes"] = len(audio)
    with open(output_file, "wb") as out:
        out.write(audio)
    return summary


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    summary = asyncio.run(speak(*argv[1:]))
    print(json.dumps(summary))
    return 0 if summary["is_final"] and summary["audio_bytes"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
